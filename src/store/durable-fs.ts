/**
 * File writes that survive a power cut, for files a database row will point at.
 *
 * A file's bytes reach the disk only when the file is fsynced, and its name
 * (a new, renamed or removed directory entry) only when its FOLDER is fsynced.
 * The rule Vigie follows: make the file and its name durable, THEN commit the
 * row that points at it. A crash then leaves at worst a file without a row
 * (found by start-up reconciliation), never a row without its file.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Temporary names of `writeFileDurable`: `.<name>.<random>.tmp`, hidden and never a valid final name. */
const TEMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

export function isDurableTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** Flushes a file's bytes (and its size) to the disk. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries (files created, renamed or removed in it) to the disk. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (err) {
    // Windows cannot open a folder; its file systems journal names themselves.
    if ((err as NodeJS.ErrnoException).code === 'EISDIR' || (err as NodeJS.ErrnoException).code === 'EPERM') return;
    throw err;
  }
  try {
    await handle.sync();
  } catch (err) {
    // Some file systems (network, FUSE) refuse fsync on a folder: nothing more can be done there.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
  } finally {
    await handle.close();
  }
}

/** `mkdir -p` whose new folders are durable: each created folder's parent is fsynced. */
export async function mkdirDurable(dir: string): Promise<void> {
  const target = resolve(dir);
  const first = await mkdir(target, { recursive: true });
  if (first === undefined) return;
  // Folders from `target` up to the first one created are new: their names live in their parents.
  for (let d = target; ; d = dirname(d)) {
    await fsyncDir(dirname(d));
    if (d === resolve(first) || dirname(d) === d) break;
  }
}

/** Writes `data` to `path` atomically and durably: a reader, or a restart after a power cut, sees the old file or the whole new one. */
export async function writeFileDurable(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Moves `from` to `to` without ever replacing an existing `to` (a hard link, then
 * unlinking `from`): fails with EEXIST when `to` exists. Both folders are fsynced.
 * Same file system only, like rename.
 */
export async function moveNoClobber(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    if (!NO_HARD_LINKS.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    // A file system without hard links (FAT, some FUSE): an exclusive copy is just as safe, only slower.
    await copyFile(from, to, constants.COPYFILE_EXCL);
    await fsyncFile(to);
  }
  await fsyncDir(dirname(to));
  await unlink(from);
  await fsyncDir(dirname(from));
}
