import { readFile } from 'node:fs/promises';
import { UserError } from './errors.js';

/** Reads a text file a command was given; a missing or unreadable file is a one-line user error naming it. */
export async function readInputFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${what} ${path}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
}
