import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { verifyBundle } from '../../src/evidence/verify.js';
import { createZipWriter, openZip } from '../../src/evidence/zip.js';
import { manifestSchema, type Manifest } from '../../src/evidence/manifest.js';
import { runVigie } from '../helpers/cli.js';
import { datasetFile } from '../helpers/datasets.js';
import { SEGMENT_S, at, event, ffprobeDuration, recordedData, sha256File, type RecordedData } from './evidence-fixtures.js';

const clip = datasetFile('pets09-s2l1/vtest.avi');
const dir = mkdtempSync(join(tmpdir(), 'vigie-evidence-'));
const dataDir = join(dir, 'data');
const bundle = join(dir, 'bundle.zip');
const other = join(dir, 'other.zip');
let data: RecordedData;

/** Entries of a bundle, in order, as name -> bytes. */
async function entriesOf(path: string): Promise<Map<string, Buffer>> {
  const zip = await openZip(path);
  const out = new Map<string, Buffer>();
  for (const e of zip.entries) out.set(e.name, await zip.read(e));
  await zip.close();
  return out;
}

/** Rewrites a bundle with changed entries (null drops one). */
async function rezip(src: string, dst: string, change: (name: string, data: Buffer) => Buffer | null, extra: Record<string, Buffer> = {}): Promise<void> {
  const zip = await createZipWriter(dst, new Date());
  for (const [name, bytes] of await entriesOf(src)) {
    const changed = change(name, bytes);
    if (changed) await zip.addBuffer(name, changed);
  }
  for (const [name, bytes] of Object.entries(extra)) await zip.addBuffer(name, bytes);
  await zip.finish();
}

const exportArgs = (out: string, from: string, to: string, more: string[] = []): string[] => [
  'evidence', 'export', '--camera', 'cam1', '--from', from, '--to', to, '--out', out, '--data', dataDir, ...more,
];

describe.skipIf(clip.missing)('evidence export of a real recording', () => {
  beforeAll(async () => {
    data = await recordedData(dataDir, clip.path, 30);
    await data.repos.events.upsert(event('ev-in', 12));
    await data.repos.events.upsert(event('ev-before', -50));
    await data.repos.events.upsert(event('ev-other-camera', 12, 'cam2'));
    await data.store.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports the segments overlapping the range with the events, report, manifest and signature, and verifies "valid"', async () => {
    expect(data.segments).toHaveLength(3);
    const res = await runVigie(exportArgs(bundle, at(5), at(15), ['--case', 'PV-2026-042', '--reason', 'réquisition judiciaire', '--original']));
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/bundle written: .*bundle\.zip/);

    const entries = await entriesOf(bundle);
    const names = [...entries.keys()];
    expect(names.filter((n) => n.startsWith('video/'))).toEqual(['video/001_20261128T140000Z.ts', 'video/002_20261128T140010Z.ts']);
    expect(names).toEqual(expect.arrayContaining(['events.jsonl', 'report.txt', 'public-key.pem', 'manifest.json', 'manifest.sig']));

    const manifest: Manifest = manifestSchema.parse(JSON.parse(entries.get('manifest.json')!.toString()));
    expect(manifest).toMatchObject({ camera: 'cam1', from: at(5), to: at(15), case: 'PV-2026-042', anonymized: false });
    // Hashes in the manifest are the recorder's: the original files, unaltered.
    for (const [i, name] of ['video/001_20261128T140000Z.ts', 'video/002_20261128T140010Z.ts'].entries()) {
      const listed = manifest.files.find((f) => f.name === name);
      expect(listed?.sha256).toBe(data.segments[i]!.sha256);
      expect(listed?.sha256).toBe(sha256File(join(dataDir, 'recordings', data.segments[i]!.path)));
    }
    const events = entries.get('events.jsonl')!.toString().trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(events.map((e) => e.id)).toEqual(['ev-in']);
    const report = entries.get('report.txt')!.toString();
    expect(report).toContain('PV-2026-042');
    expect(report).toContain('réquisition judiciaire');
    expect(report).toContain('2026-11-28 15:00:05 (UTC+01:00 Europe/Paris)');
    expect(report).toContain(manifest.key_fingerprint);

    const ok = await runVigie(['evidence', 'verify', bundle]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^valid: /);
    expect(ok.stdout).toContain('integrity, not origin');
    const withKey = await runVigie(['evidence', 'verify', bundle, '--key', join(dataDir, 'keys', 'instance-ed25519.pub.pem')]);
    expect(withKey.code).toBe(0);
    expect(withKey.stdout).not.toContain('integrity, not origin');
  }, 60_000);

  it('plays in ffprobe with the expected duration (within one segment) and decodes without error', () => {
    const out = join(dir, 'played');
    execFileSync('unzip', ['-q', '-o', bundle, '-d', out]);
    const files = readdirSync(join(out, 'video')).sort().map((n) => join(out, 'video', n));
    const joined = join(dir, 'joined.ts');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', `concat:${files.join('|')}`, '-c', 'copy', joined]);
    const requested = 10;
    const duration = ffprobeDuration(joined);
    expect(Math.abs(duration - requested)).toBeLessThanOrEqual(SEGMENT_S + 0.5);
    expect(duration).toBeGreaterThanOrEqual(requested);
    // Every frame decodes: ffmpeg prints nothing at level error.
    expect(execFileSync('ffmpeg', ['-v', 'error', '-i', joined, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toBe('');
  }, 60_000);

  it('names the file when one byte of any file of the bundle is flipped', async () => {
    const zip = await openZip(bundle);
    const entries = [...zip.entries];
    await zip.close();
    expect(entries.length).toBe(7);
    for (const entry of entries) {
      const tampered = join(dir, `flip-${entry.name.replace(/\//g, '_')}.zip`);
      copyFileSync(bundle, tampered);
      const bytes = readFileSync(tampered);
      bytes[entry.dataOffset + Math.floor(entry.size / 2)]! ^= 0x01;
      writeFileSync(tampered, bytes);
      const v = await verifyBundle(tampered);
      expect(v.valid, entry.name).toBe(false);
      expect(v.problems.join('\n'), entry.name).toContain(entry.name);
    }
    const cli = await runVigie(['evidence', 'verify', join(dir, 'flip-video_002_20261128T140010Z.ts.zip')]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/INVALID/);
    expect(cli.stderr).toMatch(/video\/002_20261128T140010Z\.ts: altered \(SHA-256/);
  }, 60_000);

  it('says "signature invalid" for a signature taken from another bundle, and names missing and added files', async () => {
    const res = await runVigie(exportArgs(other, at(0), at(30), ['--reason', 'second export', '--original']));
    expect(res.code).toBe(0);
    const otherSig = (await entriesOf(other)).get('manifest.sig')!;
    const swapped = join(dir, 'swapped.zip');
    await rezip(bundle, swapped, (name, bytes) => (name === 'manifest.sig' ? otherSig : bytes));
    const cli = await runVigie(['evidence', 'verify', swapped]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('signature invalid');

    const missing = join(dir, 'missing.zip');
    await rezip(bundle, missing, (name, bytes) => (name === 'events.jsonl' ? null : bytes));
    const m = await verifyBundle(missing);
    expect(m.problems).toEqual(['events.jsonl: missing']);

    const added = join(dir, 'added.zip');
    await rezip(bundle, added, (_n, bytes) => bytes, { 'video/003_extra.ts': Buffer.from('x') });
    expect((await verifyBundle(added)).problems).toEqual(['video/003_extra.ts: not in the manifest (added after export)']);

    const noSig = join(dir, 'nosig.zip');
    await rezip(bundle, noSig, (name, bytes) => (name === 'manifest.sig' ? null : bytes));
    expect((await verifyBundle(noSig)).problems).toEqual(['manifest.sig: missing']);
  }, 60_000);

  it('refuses a bundle re-signed with another key when the instance key is given', async () => {
    const stranger = generateKeyPairSync('ed25519');
    const strangerPem = stranger.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyFile = join(dir, 'stranger.pem');
    writeFileSync(keyFile, strangerPem);
    const cli = await runVigie(['evidence', 'verify', bundle, '--key', keyFile]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('public-key.pem: the bundle carries another key');
  }, 30_000);

  it('audits each export with the bundle hash', async () => {
    const { openDatabase, createRepositories } = await import('../../src/store/index.js');
    const store = await openDatabase({ dataDir });
    try {
      const entries = await createRepositories(store.db).audit.list({ action: 'evidence.export' });
      const first = entries.find((e) => e.details.file === 'bundle.zip');
      expect(first).toMatchObject({ actor: 'cli', target: 'cam1' });
      expect(first?.details).toMatchObject({ case: 'PV-2026-042', camera: 'cam1', from: at(5), to: at(15), bundle_sha256: sha256File(bundle), segments: 2, events: 1, anonymized: false, video: 'original' });
    } finally {
      await store.close();
    }
  });

  it('by default re-encodes the range with people blurred, marked in manifest, report and audit, and verifies', async () => {
    const anon = join(dir, 'anon.zip');
    const res = await runVigie(exportArgs(anon, at(5), at(15), ['--reason', 'press request']));
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const entries = await entriesOf(anon);
    expect([...entries.keys()].filter((n) => n.startsWith('video/'))).toEqual(['video/anonymised.mp4']);
    const manifest = manifestSchema.parse(JSON.parse(entries.get('manifest.json')!.toString()));
    expect(manifest.anonymized).toBe(true);
    expect(manifest.anonymization).toMatchObject({ detector: 'centernet-onnx', frames: 100 });
    // PETS 2009 has several people in every frame.
    expect(manifest.anonymization!.boxes_blurred).toBeGreaterThan(100);
    expect(manifest.sources.map((s) => s.sha256)).toEqual([data.segments[0]!.sha256, data.segments[1]!.sha256]);
    expect(entries.get('report.txt')!.toString()).toContain('VIDEO ANONYMISED');
    const mp4 = join(dir, 'anonymised.mp4');
    writeFileSync(mp4, entries.get('video/anonymised.mp4')!);
    // Cut to the requested range exactly (re-encoded), not to whole segments.
    expect(Math.abs(ffprobeDuration(mp4) - 10)).toBeLessThanOrEqual(0.2);
    const ok = await runVigie(['evidence', 'verify', anon]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ANONYMISED');
    const { openDatabase, createRepositories } = await import('../../src/store/index.js');
    const store = await openDatabase({ dataDir });
    try {
      const audited = (await createRepositories(store.db).audit.list({ action: 'evidence.export' })).find((e) => e.details.file === 'anon.zip');
      expect(audited?.details).toMatchObject({ anonymized: true, video: 'blurred' });
    } finally {
      await store.close();
    }
  }, 120_000);

  it('refuses --original together with --anonymize', async () => {
    const both = await runVigie(exportArgs(join(dir, 'y.zip'), at(5), at(15), ['--reason', 'x', '--original', '--anonymize']));
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--original and --anonymize contradict each other/);
  });

  it('refuses: an altered recording, an existing --out, no reason, an empty range', async () => {
    const again = await runVigie(exportArgs(bundle, at(5), at(15), ['--reason', 'x', '--original']));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/bundle\.zip already exists: choose another --out/);

    const noWhy = await runVigie(exportArgs(join(dir, 'x.zip'), at(5), at(15), ['--original']));
    expect(noWhy.code).toBe(1);
    expect(noWhy.stderr).toMatch(/give --case REF .* or --reason TEXT/);

    const empty = await runVigie(exportArgs(join(dir, 'x.zip'), at(100), at(200), ['--reason', 'x', '--original']));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/camera "cam1" has no recording between/);

    const segmentFile = join(dataDir, 'recordings', data.segments[1]!.path);
    const bytes = readFileSync(segmentFile);
    bytes[1000]! ^= 0xff;
    writeFileSync(segmentFile, bytes);
    const altered = await runVigie(exportArgs(join(dir, 'x.zip'), at(5), at(15), ['--reason', 'x', '--original']));
    expect(altered.code).toBe(1);
    expect(altered.stderr).toMatch(/recording cam1\/seg001\.ts .* was altered after it was recorded/);
    expect(readdirSync(dir).filter((n) => n.startsWith('x.zip'))).toEqual([]);
    expect(existsSync(join(dir, 'x.zip'))).toBe(false);
    const { openDatabase, createRepositories } = await import('../../src/store/index.js');
    const store = await openDatabase({ dataDir });
    try {
      const refused = await createRepositories(store.db).audit.list({ action: 'evidence.export_refused' });
      expect(refused).toHaveLength(1);
      expect(String(refused[0]?.details.why)).toMatch(/seg001\.ts .* was altered/);
    } finally {
      await store.close();
    }
  }, 60_000);
});
