import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createZipWriter, openZip } from '../../src/evidence/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('store-only ZIP', () => {
  it('writes entries that its own reader, unzip and Python read back byte for byte', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
    const bigPath = join(dir, 'big.bin');
    writeFileSync(bigPath, big);
    const zipPath = join(dir, 'a.zip');
    const zip = await createZipWriter(zipPath, new Date('2026-11-28T14:00:00Z'));
    const a = await zip.addFile('video/001_x.ts', bigPath);
    const b = await zip.addBuffer('report.txt', Buffer.from('héllo\n'));
    const c = await zip.addBuffer('empty.txt', Buffer.alloc(0));
    const bytes = await zip.finish();

    expect(a).toEqual({ name: 'video/001_x.ts', bytes: big.length, sha256: sha(big) });
    expect(b.sha256).toBe(sha(Buffer.from('héllo\n')));
    expect(c.bytes).toBe(0);

    const reader = await openZip(zipPath);
    expect(reader.entries.map((e) => e.name)).toEqual(['video/001_x.ts', 'report.txt', 'empty.txt']);
    const first = reader.entries[0]!;
    const chunks: Buffer[] = [];
    for await (const chunk of reader.chunks(first)) chunks.push(chunk);
    expect(sha(Buffer.concat(chunks))).toBe(sha(big));
    expect((await reader.read(reader.entries[1]!)).toString()).toBe('héllo\n');
    await reader.close();

    // Other tools: CRCs and headers are right (unzip -t checks every CRC).
    expect(execFileSync('unzip', ['-t', zipPath], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const listed = execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(sum(i.file_size for i in z.infolist()))', zipPath], { encoding: 'utf8' });
    expect(listed.split('\n').slice(0, 2)).toEqual(['None', String(big.length + 7)]);
    expect(bytes).toBeGreaterThan(big.length);
  });

  it('refuses to overwrite a file, unsafe names and duplicate names', async () => {
    const path = join(dir, 'b.zip');
    writeFileSync(path, 'x');
    await expect(createZipWriter(path, new Date())).rejects.toThrow(/EEXIST/);
    const zip = await createZipWriter(join(dir, 'c.zip'), new Date());
    await expect(zip.addBuffer('../evil', Buffer.from('x'))).rejects.toThrow(/relative path/);
    await expect(zip.addBuffer('/abs', Buffer.from('x'))).rejects.toThrow(/relative path/);
    await zip.addBuffer('one', Buffer.from('x'));
    await expect(zip.addBuffer('one', Buffer.from('y'))).rejects.toThrow(/twice/);
    await zip.abort();
  });

  it('refuses files that are not stored ZIPs, naming the file', async () => {
    const notZip = join(dir, 'not.zip');
    writeFileSync(notZip, 'hello, not a zip at all');
    await expect(openZip(notZip)).rejects.toThrow(/not\.zip is not a readable bundle/);
    const deflated = join(dir, 'deflated.zip');
    writeFileSync(join(dir, 'text.txt'), 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    execFileSync('zip', ['-q', '-j', deflated, join(dir, 'text.txt')]);
    await expect(openZip(deflated)).rejects.toThrow(/compressed/);
    await expect(openZip(join(dir, 'absent.zip'))).rejects.toThrow(/cannot open .*absent\.zip: ENOENT/);
  });
});
