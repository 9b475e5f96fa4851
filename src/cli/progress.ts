import cliProgress from 'cli-progress';

/** Progress of a long operation; a bar on a TTY, nothing otherwise (logs and pipes stay clean). */
export interface Progress {
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

export function createProgress(label: string, total: number | null, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: total
        ? `${label} [{bar}] {percentage}% | {value}/{total} frames | {fps} fps | {events} events | ETA {eta_formatted}`
        : `${label} {value} frames | {fps} fps | {events} events`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0, { fps: '-', events: 0 });
  return {
    update: (done, extra) => bar.update(done, extra),
    stop: () => bar.stop(),
  };
}

/** Progress of a count of `unit` (rows, files) towards `total`: a bar on a TTY, nothing otherwise. */
export function createCountProgress(label: string, total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (done, extra) => bar.update(done, extra),
    stop: () => bar.stop(),
  };
}
