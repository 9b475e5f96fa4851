import { once } from 'node:events';
import type { Writable } from 'node:stream';

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
