import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { UserError } from './errors.js';

/** Writes a command's `--out` file; a failure is one line naming the file and the reason. */
export async function writeOutFile(path: string, data: string | Buffer): Promise<void> {
  try {
    await writeFile(path, data);
  } catch (err) {
    throw new UserError(`cannot write --out ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

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
