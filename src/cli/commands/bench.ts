import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { BenchCliOptions } from '../main.js';
import { probeSource } from '../../media/ffprobe.js';
import { formatReport, formatTrial, MODE_LABEL } from '../../loadtest/format.js';
import { findMaxCameras } from '../../loadtest/max-search.js';
import type { LoadBenchReport } from '../../loadtest/report.js';
import { BenchInterruptedError, runLoadBench, type LoadBenchProgress } from '../../loadtest/runner.js';
import { chooseDetector } from '../camera-choice.js';
import { UserError } from '../errors.js';
import { findDemoFootage } from './demo.js';

/** Without a terminal, a progress line this often (logs stay readable). */
const PLAIN_PROGRESS_EVERY_S = 5;

interface ProgressDisplay {
  update(p: LoadBenchProgress): void;
  /** A line printed above the bar (system logs with --verbose). */
  log(line: string): void;
  stop(): void;
}

const describeProgress = (p: LoadBenchProgress): string =>
  `${p.meanFps.toFixed(2)} fps per camera | ${p.dropped} dropped | ${p.events} events`;

/** A bar per phase on a terminal; a line every few seconds otherwise. Always on stderr. */
function createProgressDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  if (!stream.isTTY) {
    let lastLineAt = -Infinity;
    return {
      update(p) {
        const done = p.elapsedS >= p.phaseS;
        if (!done && p.elapsedS - lastLineAt < PLAIN_PROGRESS_EVERY_S && p.elapsedS > 0) return;
        lastLineAt = done ? -Infinity : p.elapsedS;
        stream.write(`  ${p.mode} ${p.phase} ${Math.round(p.elapsedS)}/${p.phaseS} s: ${describeProgress(p)}\n`);
      },
      log: (line) => void stream.write(`  | ${line}\n`),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: '  {label} [{bar}] {value}/{total} s | {status}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | null = null;
  return {
    update(p) {
      const label = `${p.mode} ${p.phase}`.padEnd(19);
      const payload = { label, status: describeProgress(p) };
      if (phase !== label) {
        if (phase !== null) bar.stop();
        phase = label;
        bar.start(p.phaseS, 0, payload);
      }
      bar.update(Math.round(p.elapsedS), payload);
    },
    // SingleBar has no log(): clear the bar's line, write, and let the next update redraw it.
    log: (line) => void stream.write(`\r\x1b[2K  | ${line}\n`),
    stop: () => {
      if (phase !== null) bar.stop();
      phase = null;
    },
  };
}

/** The footage: --source, else the demo's PETS 2009 clip. Checked now so that a bad file is one clear line. */
async function benchSource(source: string | undefined): Promise<string> {
  if (source !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    throw new UserError(`--source must be a video file (every camera loops it), not a URL: ${source}`);
  }
  const path = resolve(source ?? findDemoFootage());
  await probeSource(path); // missing file, not a video, no ffprobe: a MediaError with one line
  return path;
}

/** `vigie bench`: the live system under the load of N cameras; see src/loadtest/runner.ts. */
export async function runBench(opts: BenchCliOptions): Promise<void> {
  const detector = chooseDetector(undefined, opts.engine);
  const source = await benchSource(opts.source);
  const display = createProgressDisplay(process.stderr);
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const run = (cameras: number): Promise<LoadBenchReport> =>
    runLoadBench({
      cameras,
      fps: opts.fps,
      durationS: opts.duration,
      warmupS: opts.warmup,
      source,
      naive: opts.naive ?? false,
      ...(opts.inputSize ? { inputSize: opts.inputSize } : {}),
      detector,
      onProgress: (p) => display.update(p),
      ...(opts.verbose ? { onLog: (line: string) => display.log(line) } : {}),
      signal: controller.signal,
    });
  const out = (lines: readonly string[]): void => void process.stdout.write(`${lines.join('\n')}\n`);
  try {
    if (!opts.max) {
      const report = await run(opts.cameras);
      display.stop();
      out(opts.json ? [JSON.stringify(report)] : formatReport(report));
      return;
    }
    process.stderr.write(`vigie bench --max: ${opts.cameras}, ${opts.cameras + opts.step}, ... cameras at ${opts.fps} fps, ${MODE_LABEL[opts.naive ? 'naive' : 'optimised']}, until one run does not hold\n`);
    const result = await findMaxCameras({
      from: opts.cameras,
      step: opts.step,
      run,
      onTrial: (report) => {
        display.stop();
        process.stderr.write(`${formatTrial(report)}\n`);
      },
    });
    if (opts.json) {
      out([JSON.stringify(result)]);
      return;
    }
    const last = result.trials[result.trials.length - 1];
    if (last) out([...formatReport(last), '']);
    out([
      result.largestHeld === null
        ? `No run held: ${opts.cameras} cameras already miss ${opts.fps} fps or drop frames; try a smaller --cameras.`
        : `Largest number of cameras that held ${opts.fps} fps with drops < 1 %: ${result.largestHeld}${last?.holds ? ` (search stopped at the ceiling of ${last.cameras})` : ''}.`,
    ]);
  } catch (err) {
    if (err instanceof BenchInterruptedError) throw new UserError('bench interrupted; nothing measured', 130);
    throw err;
  } finally {
    display.stop();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
