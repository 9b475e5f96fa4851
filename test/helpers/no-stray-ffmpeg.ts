import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

// Every process the test run starts inherits this marker, so ffmpeg processes
// orphaned by a test are still recognised as ours after they are reparented.
const MARKER = `VIGIE_TEST_RUN=${randomUUID()}`;

function markedFfmpegPids(): string[] {
  const pids: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (!/^ff(mpeg|probe)$/.test(comm)) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(MARKER)) pids.push(pid);
    } catch (err) {
      // The process ended between listing and reading: it is not left behind.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  return pids;
}

export function setup(): void {
  const [key, value] = MARKER.split('=') as [string, string];
  process.env[key] = value;
}

/** Fails the run if any test left an ffmpeg process behind (stopping a pipeline must reap it). */
export function teardown(): void {
  const stray = markedFfmpegPids();
  if (stray.length > 0) {
    throw new Error(`ffmpeg processes left running after the tests: pids ${stray.join(', ')}`);
  }
}
