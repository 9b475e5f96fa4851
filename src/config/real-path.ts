import { realpathSync } from 'node:fs';
import type { RealPath } from './source-policy.js';

/** The file system's realpath (symlinks and `..` resolved), or null when the path does not exist or cannot be read. */
export const systemRealPath: RealPath = (path) => {
  try {
    return realpathSync.native(path);
  } catch {
    return null;
  }
};
