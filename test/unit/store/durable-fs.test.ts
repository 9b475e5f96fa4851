import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDurableTempName, mkdirDurable, moveNoClobber, writeFileDurable } from '../../../src/store/durable-fs.js';
import { makeTempDir } from '../../helpers/media-fixtures.js';

describe('durable file writes', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    tmp = await makeTempDir();
  });
  afterEach(async () => {
    await tmp.cleanup();
  });

  it('writeFileDurable replaces a file whole and leaves no temporary file', async () => {
    const path = join(tmp.dir, 'ev-1.jpg');
    writeFileSync(path, 'old');
    await writeFileDurable(path, Buffer.from('new content'));
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(readdirSync(tmp.dir)).toEqual(['ev-1.jpg']);
  });

  it('writeFileDurable into a missing folder fails and leaves nothing behind', async () => {
    await expect(writeFileDurable(join(tmp.dir, 'missing', 'a.jpg'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('moveNoClobber moves a file, and refuses with EEXIST to replace one, keeping both intact', async () => {
    const a = join(tmp.dir, 'a.ts');
    const b = join(tmp.dir, 'b.ts');
    const c = join(tmp.dir, 'c.ts');
    writeFileSync(a, 'footage A');
    writeFileSync(b, 'footage B');
    await expect(moveNoClobber(a, b)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(a, 'utf8')).toBe('footage A');
    expect(readFileSync(b, 'utf8')).toBe('footage B');
    await moveNoClobber(a, c);
    expect(readdirSync(tmp.dir).sort()).toEqual(['b.ts', 'c.ts']);
    expect(readFileSync(c, 'utf8')).toBe('footage A');
  });

  it('mkdirDurable creates nested folders and accepts existing ones', async () => {
    const dir = join(tmp.dir, 'cam', '2026-03-01');
    await mkdirDurable(dir);
    await mkdirDurable(dir);
    mkdirSync(join(dir, 'x'));
    expect(readdirSync(dir)).toEqual(['x']);
  });

  it('recognises its own temporary names only', () => {
    expect(isDurableTempName('.ev-1.jpg.0123456789ab.tmp')).toBe(true);
    expect(isDurableTempName('ev-1.jpg')).toBe(false);
    expect(isDurableTempName('.ev-1.jpg.tmp')).toBe(false);
  });
});
