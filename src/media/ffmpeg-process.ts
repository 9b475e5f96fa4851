/**
 * One ffmpeg (or ffprobe) child process: spawned directly, stderr kept as a
 * short redacted tail for error messages, stopped in stages, always reaped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { redactText } from './redact.js';

export interface FfmpegExit {
  /** Exit code, or null when ended by a signal or never started. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started (ENOENT: ffmpeg is not installed). */
  readonly spawnError: NodeJS.ErrnoException | null;
  /** true when the end was asked for by stop(), so a non-zero code is not a failure. */
  readonly stopped: boolean;
  /** Last stderr lines, redacted. */
  readonly stderrTail: readonly string[];
}

export interface FfmpegProcessOptions {
  /** Executable; default `ffmpeg`. */
  readonly command?: string;
  readonly args: readonly string[];
  /**
   * `pipe` lets stop() ask ffmpeg to finish cleanly with `q` (needed when it
   * writes a file, e.g. a recording); decoders use `ignore` with `-nostdin`.
   */
  readonly stdin?: 'ignore' | 'pipe';
  /** Number of stderr lines kept for error messages. */
  readonly stderrTailLines?: number;
  /** After `q` and closing stdin, how long to wait before SIGTERM. */
  readonly quitGraceMs?: number;
  /** After SIGTERM, how long to wait before SIGKILL. */
  readonly killGraceMs?: number;
  /** Each stderr line, redacted (for logs). */
  readonly onStderrLine?: (line: string) => void;
}

export interface FfmpegProcess {
  readonly pid: number | undefined;
  /** Raw stdout; destroyed by stop(). */
  readonly stdout: Readable;
  /** Resolves once the process has ended and been reaped; never rejects. */
  readonly exited: Promise<FfmpegExit>;
  stderrTail(): readonly string[];
  /** Ends the process in stages (q, TERM, KILL); resolves once it is gone. Idempotent. */
  stop(): Promise<FfmpegExit>;
}

const DEFAULT_STDERR_TAIL_LINES = 20;
const DEFAULT_QUIT_GRACE_MS = 2_000;
const DEFAULT_KILL_GRACE_MS = 2_000;

// Last-resort guard against orphans: if the Node process exits while children
// still run (uncaught error, process.exit), kill them synchronously. This is
// the one piece of process-wide state in media/, and it only ever holds live children.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
  liveChildren.add(child);
}

export function startFfmpeg(options: FfmpegProcessOptions): FfmpegProcess {
  const tailSize = options.stderrTailLines ?? DEFAULT_STDERR_TAIL_LINES;
  const tail: string[] = [];
  let partialLine = '';
  let stopRequested = false;
  let stopPromise: Promise<FfmpegExit> | null = null;

  const child = spawn(options.command ?? 'ffmpeg', [...options.args], {
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  trackChild(child);

  const pushLine = (raw: string): void => {
    const line = redactText(raw.trimEnd());
    if (line === '') return;
    tail.push(line);
    if (tail.length > tailSize) tail.shift();
    // After stop() ffmpeg only reports its own end (e.g. the closed pipe): kept in the tail, not logged.
    if (stopPromise === null) options.onStderrLine?.(line);
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    const lines = (partialLine + text).split(/\r?\n|\r/);
    partialLine = lines.pop() ?? '';
    for (const line of lines) pushLine(line);
  });

  const exited = new Promise<FfmpegExit>((resolve) => {
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let stderrDone = child.stderr === null;
    let finished = false;
    const finish = (spawnError: NodeJS.ErrnoException | null): void => {
      if (finished) return;
      finished = true;
      liveChildren.delete(child);
      if (partialLine !== '') {
        pushLine(partialLine);
        partialLine = '';
      }
      resolve({
        code: exitInfo?.code ?? null,
        signal: exitInfo?.signal ?? null,
        spawnError,
        stopped: stopRequested,
        stderrTail: [...tail],
      });
    };
    // 'exit' can come before the last stderr bytes are read: wait for both, so
    // error messages see ffmpeg's final words.
    child.stderr?.once('close', () => {
      stderrDone = true;
      if (exitInfo) finish(null);
    });
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      if (stderrDone) finish(null);
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      // Only spawn failures end here without an 'exit'; a failed kill() of a
      // live child also lands here and is harmless because 'exit' follows.
      if (child.pid === undefined) {
        exitInfo = { code: null, signal: null };
        finish(err);
      }
    });
  });

  const stop = (): Promise<FfmpegExit> => {
    stopPromise ??= stopInStages();
    return stopPromise;
  };

  async function stopInStages(): Promise<FfmpegExit> {
    stopRequested = true;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
    if (child.stdin) {
      // Stage 1: ask politely, so a muxer can write its trailer.
      child.stdin.on('error', () => undefined); // EPIPE if ffmpeg already closed stdin: expected here
      child.stdin.end('q');
      if (await endsWithin(exited, options.quitGraceMs ?? DEFAULT_QUIT_GRACE_MS)) return exited;
    }
    // Stage 2: TERM, and close our end of stdout: ffmpeg blocked writing to a full
    // pipe would not see the signal (restarted syscall) but gets EPIPE.
    child.kill('SIGTERM');
    child.stdout?.destroy();
    if (await endsWithin(exited, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS)) return exited;
    // Stage 3: no more patience.
    child.kill('SIGKILL');
    return exited;
  }

  return {
    pid: child.pid,
    stdout: child.stdout as Readable,
    exited,
    stderrTail: () => [...tail],
    stop,
  };
}

/** true when `promise` settles within `ms`; the timer never outlives the wait. */
async function endsWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
