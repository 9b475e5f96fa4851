import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, loadInstanceKey, parsePublicKey, verifySignature } from '../../src/evidence/instance-key.js';
import { buildReport, localTime } from '../../src/evidence/report.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('instance key', () => {
  it('is created once, private file 0600, and reloaded with the same fingerprint', async () => {
    const [a, b] = await Promise.all([loadInstanceKey(dir), loadInstanceKey(dir)]);
    expect(a.fingerprint).toBe(b.fingerprint);
    const again = await loadInstanceKey(dir);
    expect(again.fingerprint).toBe(a.fingerprint);
    expect(statSync(join(dir, 'keys', PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'keys', PUBLIC_KEY_FILE), 'utf8')).toBe(a.publicKeyPem);
    const der = createPublicKey(a.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(a.fingerprint).toBe(createHash('sha256').update(der).digest('hex'));
  });

  it('signs so that openssl verifies the signature, and a changed byte fails', async () => {
    const key = await loadInstanceKey(dir);
    const data = Buffer.from('{"files":[]}\n');
    const sig = key.sign(data);
    expect(verifySignature(parsePublicKey(key.publicKeyPem, 'k'), data, sig)).toBe(true);
    expect(verifySignature(parsePublicKey(key.publicKeyPem, 'k'), Buffer.from('{"files":[1]}\n'), sig)).toBe(false);
    writeFileSync(join(dir, 'm.json'), data);
    writeFileSync(join(dir, 'm.sig'), sig);
    writeFileSync(join(dir, 'pub.pem'), key.publicKeyPem);
    const out = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'pub.pem'), '-rawin', '-in', join(dir, 'm.json'), '-sigfile', join(dir, 'm.sig')], { encoding: 'utf8' });
    expect(out).toMatch(/Signature Verified Successfully/);
  });

  it('refuses a damaged key file instead of silently making a new key', async () => {
    const other = mkdtempSync(join(tmpdir(), 'vigie-key-bad-'));
    try {
      await loadInstanceKey(other);
      writeFileSync(join(other, 'keys', PRIVATE_KEY_FILE), 'garbage');
      await expect(loadInstanceKey(other)).rejects.toThrow(/not a PEM private key: restore it from backup/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses a public key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    expect(() => parsePublicKey(rsa, '--key')).toThrow(/--key is a rsa key, not Ed25519/);
    expect(() => parsePublicKey('nope', '--key')).toThrow(/--key is not a PEM public key/);
  });
});

describe('report', () => {
  it('gives local times in the configured zone, winter and summer', () => {
    expect(localTime('2026-11-28T14:00:00.000Z', 'Europe/Paris')).toBe('2026-11-28 15:00:00 (UTC+01:00 Europe/Paris)');
    expect(localTime('2026-07-14T22:30:05.000Z', 'Europe/Paris')).toBe('2026-07-15 00:30:05 (UTC+02:00 Europe/Paris)');
    expect(localTime('2026-07-14T22:30:05.000Z', 'UTC')).toBe('2026-07-14 22:30:05 (UTC+00:00 UTC)');
  });

  it('says who, why, the case, each segment hash, the key fingerprint and whether anonymised', () => {
    const text = buildReport({
      camera: { id: 'cam1', name: 'Place du marché', place: null },
      from: '2026-11-28T14:00:00.000Z',
      to: '2026-11-28T14:10:00.000Z',
      timeZone: 'Europe/Paris',
      exportedBy: 'alice (user u1)',
      reason: 'requisition',
      caseRef: 'PV-2026-042',
      anonymized: false,
      segments: [{ file: 'video/001_x.ts', start: '2026-11-28T13:59:30.000Z', end: '2026-11-28T14:00:30.000Z', durationS: 60, bytes: 123, sha256: 'a'.repeat(64), recordedAs: 'cam1/x.ts' }],
      gaps: [{ start: '2026-11-28T14:05:00.000Z', end: '2026-11-28T14:06:00.000Z', reason: 'stream_down' }],
      eventCount: 2,
      keyFingerprint: 'f'.repeat(64),
      vigieVersion: '0.1.0',
      createdAt: '2026-11-28T15:00:00.000Z',
    });
    for (const needle of ['cam1 (Place du marché)', 'PV-2026-042', 'alice (user u1)', 'requisition', '2026-11-28 15:00:00 (UTC+01:00 Europe/Paris)', 'a'.repeat(64), 'f'.repeat(64), 'ORIGINAL', 'stream_down', '2 event(s)', '0.1.0']) {
      expect(text).toContain(needle);
    }
    expect(text).not.toContain('ANONYMISED');
  });
});
