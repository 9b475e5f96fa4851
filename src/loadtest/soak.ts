/**
 * Soak run figures (pure): the server's memory sampled once a minute over a long
 * run, summarised as what a reviewer asks of it — does memory keep growing once
 * the caches are warm? The growth rate is the least-squares slope of RSS over
 * the samples after the warm-up, in MiB per hour.
 */

export interface SoakSample {
  /** Minutes since the server said it was running. */
  readonly minute: number;
  /** Resident memory of the Vigie process (main thread + detector worker threads), MiB. */
  readonly rssMiB: number;
  /** Sum of the RSS of its ffmpeg children, MiB. */
  readonly ffmpegRssMiB: number;
  /** ffmpeg children alive at the sample. */
  readonly ffmpegProcesses: number;
  /** Mean analysis rate of the cameras (health window), frames/s. */
  readonly meanFps: number;
  /** Cameras in state `running` at the sample. */
  readonly camerasRunning: number;
  /** Frames dropped since the start, all cameras (health counters). */
  readonly framesDropped: number;
  /** Pipeline restarts + reconnections since the start, all cameras. */
  readonly restarts: number;
  /** The machine's 1-minute load average: other work on the box shows here. */
  readonly load1: number;
}

export interface SoakSummary {
  readonly samples: number;
  readonly warmupMinutes: number;
  /** RSS at the first sample after the warm-up, and at the last sample. */
  readonly rssAfterWarmupMiB: number | null;
  readonly rssLastMiB: number | null;
  readonly rssMaxMiB: number | null;
  /** Least-squares slope of RSS over the samples after the warm-up; null with fewer than 3. */
  readonly rssSlopeMiBPerHour: number | null;
  readonly ffmpegRssMaxMiB: number | null;
  readonly ffmpegProcessesMax: number;
  readonly meanFps: number | null;
  readonly framesDropped: number;
  readonly restarts: number;
}

/** Slope of y over x by ordinary least squares; null when x does not vary. */
export function leastSquaresSlope(points: readonly (readonly [number, number])[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? null : num / den;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

export function summariseSoak(samples: readonly SoakSample[], warmupMinutes: number): SoakSummary {
  const steady = samples.filter((s) => s.minute >= warmupMinutes);
  const slopePerMinute = steady.length >= 3 ? leastSquaresSlope(steady.map((s) => [s.minute, s.rssMiB])) : null;
  const last = samples.at(-1);
  return {
    samples: samples.length,
    warmupMinutes,
    rssAfterWarmupMiB: steady[0] ? round1(steady[0].rssMiB) : null,
    rssLastMiB: last ? round1(last.rssMiB) : null,
    rssMaxMiB: samples.length ? round1(Math.max(...samples.map((s) => s.rssMiB))) : null,
    rssSlopeMiBPerHour: slopePerMinute === null ? null : round1(slopePerMinute * 60),
    ffmpegRssMaxMiB: samples.length ? round1(Math.max(...samples.map((s) => s.ffmpegRssMiB))) : null,
    ffmpegProcessesMax: Math.max(0, ...samples.map((s) => s.ffmpegProcesses)),
    meanFps: steady.length ? round1(steady.reduce((s, x) => s + x.meanFps, 0) / steady.length) : null,
    framesDropped: last?.framesDropped ?? 0,
    restarts: last?.restarts ?? 0,
  };
}

const cell = (v: number | null, unit = ''): string => (v === null ? '–' : `${v}${unit}`);

/** The Markdown written to docs/BENCHMARKS.md: the settings, the summary, then one row per sample. */
export function soakMarkdown(settings: Readonly<Record<string, string | number>>, summary: SoakSummary, samples: readonly SoakSample[]): string {
  const lines = [
    `Settings: ${Object.entries(settings).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    '| figure | value |',
    '|---|---|',
    `| samples (one a minute) | ${summary.samples} |`,
    `| Vigie RSS after the ${summary.warmupMinutes}-min warm-up | ${cell(summary.rssAfterWarmupMiB, ' MiB')} |`,
    `| Vigie RSS at the end | ${cell(summary.rssLastMiB, ' MiB')} |`,
    `| Vigie RSS max | ${cell(summary.rssMaxMiB, ' MiB')} |`,
    `| RSS growth after warm-up (least squares) | ${cell(summary.rssSlopeMiBPerHour, ' MiB/h')} |`,
    `| ffmpeg RSS max (all children) | ${cell(summary.ffmpegRssMaxMiB, ' MiB')} |`,
    `| ffmpeg processes max | ${summary.ffmpegProcessesMax} |`,
    `| mean analysis rate after warm-up | ${cell(summary.meanFps, ' fps/camera')} |`,
    `| frames dropped (total) | ${summary.framesDropped} |`,
    `| restarts + reconnections (total) | ${summary.restarts} |`,
    '',
    '| minute | Vigie RSS (MiB) | ffmpeg RSS (MiB) | ffmpeg | fps/camera | running | dropped | restarts | load avg |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...samples.map(
      (s) => `| ${s.minute} | ${round1(s.rssMiB)} | ${round1(s.ffmpegRssMiB)} | ${s.ffmpegProcesses} | ${round1(s.meanFps)} | ${s.camerasRunning} | ${s.framesDropped} | ${s.restarts} | ${round1(s.load1)} |`,
    ),
  ];
  return lines.join('\n');
}

export const SOAK_BEGIN = '<!-- soak:begin -->';
export const SOAK_END = '<!-- soak:end -->';

/** Replaces the text between the soak markers of a document (appends a section when they are missing). */
export function replaceSoakSection(doc: string, body: string): string {
  const begin = doc.indexOf(SOAK_BEGIN);
  const end = doc.indexOf(SOAK_END);
  const block = `${SOAK_BEGIN}\n${body}\n${SOAK_END}`;
  if (begin === -1 || end === -1 || end < begin) return `${doc.trimEnd()}\n\n## Soak run (\`npm run soak\`)\n\n${block}\n`;
  return `${doc.slice(0, begin)}${block}${doc.slice(end + SOAK_END.length)}`;
}
