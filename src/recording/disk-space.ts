/** Free space of the disk holding the recordings, behind a one-function port so tests can fill the disk. */
import { statfs } from 'node:fs/promises';

/** Bytes an unprivileged process may still write on the filesystem holding `dir`. */
export type FreeSpaceProbe = (dir: string) => Promise<number>;

export const statfsFreeSpace: FreeSpaceProbe = async (dir) => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

/** ffmpeg or fs failures that mean the disk is full (or the quota spent), not a broken camera. */
export function isDiskFullError(text: string): boolean {
  return /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT|File too large|EFBIG/i.test(text);
}
