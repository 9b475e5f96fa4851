import { once } from 'node:events';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { UserError } from './errors.js';

/**
 * Writes a command's `--out` file whole or not at all: into a temporary file beside it, renamed
 * once complete, so a failure (disk full, Ctrl-C) never leaves half a file that looks finished.
 * A failure is one line naming the file and the reason.
 */
export async function writeOutFile(path: string, data: string | Buffer): Promise<void> {
  const partial = `${path}.${process.pid}.part`;
  try {
    await writeFile(partial, data);
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw new UserError(`cannot write --out ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** Lines as the text of a file, one per line. */
export const linesText = (lines: Iterable<string>): string => Array.from(lines, (line) => `${line}\n`).join('');

/** Writes lines with back-pressure; ends the stream unless it is stdout. */
export async function writeLines(stream: Writable, lines: Iterable<string>): Promise<void> {
  for (const line of lines) {
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  }
  if (stream !== process.stdout) {
    stream.end();
    await once(stream, 'finish');
  }
}
