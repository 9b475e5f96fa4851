/**
 * One recorder run: an ffmpeg process of its own (not the analysis one) that
 * copies a camera's video into segment files and announces each completed
 * segment on stdout. Completed segments are handed to `onSegment` one at a
 * time, in order; stop() lets ffmpeg close the segment being written (`q`),
 * hands it over too, and resolves once ffmpeg is reaped and every hand-over is done.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { startFfmpeg, type FfmpegExit } from './ffmpeg-process.js';
import { buildSegmentArgs, parseSegmentListLine, type SegmentArgsOptions, type SegmentListEntry } from './segment-args.js';

export interface CompletedSegment extends SegmentListEntry {
  /** Absolute path of the completed (still temporary) file. */
  readonly path: string;
  /** Wall time (ms) at which ffmpeg announced it complete. */
  readonly receivedAtMs: number;
}

export interface RecorderRunOptions extends SegmentArgsOptions {
  /** Called once per completed segment, never concurrently; a rejection is reported through onHandlerError. */
  readonly onSegment: (segment: CompletedSegment) => Promise<void>;
  readonly onHandlerError?: (err: unknown) => void;
  readonly onStderrLine?: (line: string) => void;
  /** Executable; default `ffmpeg`. */
  readonly command?: string;
  /** Wall clock (ms); default Date.now. */
  readonly now?: () => number;
}

export interface RecorderRunExit extends FfmpegExit {
  /** Segments handed to onSegment during the run. */
  readonly segments: number;
}

export interface RecorderRun {
  readonly pid: number | undefined;
  /** Resolves when ffmpeg has ended and every completed segment has been handled. */
  readonly done: Promise<RecorderRunExit>;
  stop(): Promise<RecorderRunExit>;
}

/**
 * `setpriv --pdeathsig KILL` makes the kernel kill ffmpeg when Vigie dies
 * (SIGKILL, OOM): a recorder must never outlive its server and keep filling the disk.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

export function startRecorderRun(options: RecorderRunOptions): RecorderRun {
  const ffmpegArgs = buildSegmentArgs(options);
  const ffmpeg = options.command ?? 'ffmpeg';
  const useSetpriv = SETPRIV !== null && process.platform === 'linux';
  const proc = startFfmpeg({
    command: useSetpriv && SETPRIV !== null ? SETPRIV : ffmpeg,
    args: useSetpriv ? ['--pdeathsig', 'KILL', '--', ffmpeg, ...ffmpegArgs] : ffmpegArgs,
    stdin: 'pipe',
    // A segment ends on the next keyframe: give ffmpeg time to write it after `q`.
    quitGraceMs: 5_000,
    ...(options.onStderrLine ? { onStderrLine: options.onStderrLine } : {}),
  });
  let handled = 0;
  let chain: Promise<void> = Promise.resolve();
  const lines = createInterface({ input: proc.stdout, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const entry = parseSegmentListLine(line);
    if (!entry) return;
    const receivedAtMs = (options.now ?? Date.now)();
    // The list names files by their base name: they live where the pattern puts them.
    const path = join(dirname(options.outputPattern), basename(entry.file));
    chain = chain.then(async () => {
      try {
        await options.onSegment({ ...entry, path, receivedAtMs });
        handled += 1;
      } catch (err) {
        options.onHandlerError?.(err);
      }
    });
  });
  const linesClosed = new Promise<void>((resolve) => lines.once('close', resolve));
  const finish = async (exit: FfmpegExit): Promise<RecorderRunExit> => {
    // stop() destroys stdout only at stage 2; after a clean `q` every line has been read.
    await Promise.race([linesClosed, new Promise((r) => setTimeout(r, 1000).unref())]);
    await chain;
    return { ...exit, segments: handled };
  };
  const done = proc.exited.then(finish);
  return {
    pid: proc.pid,
    done,
    async stop() {
      await proc.stop();
      return done;
    },
  };
}
