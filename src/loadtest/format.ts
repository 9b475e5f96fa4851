/** The load benchmark's report as text for a person (the `--json` output is the report itself). */
import type { Distribution } from './percentiles.js';
import type { LoadBenchReport } from './report.js';

const f1 = (v: number): string => v.toFixed(1);
const f2 = (v: number): string => v.toFixed(2);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const orDash = (v: number | null, format: (v: number) => string): string => (v === null ? '-' : format(v));

export const MODE_LABEL = {
  optimised: 'optimised (motion gating, region crops)',
  naive: 'naive (detector on every frame, full frame)',
} as const;

function distribution(d: Distribution | null): string {
  if (!d) return 'no event in the window';
  return `p50 ${seconds(d.p50)}  p95 ${seconds(d.p95)}  p99 ${seconds(d.p99)}  max ${seconds(d.max)}  (${d.count} events)`;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  // First column left-aligned (names), the others right-aligned (numbers).
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd());
}

export function formatReport(r: LoadBenchReport): string[] {
  const res = r.resources;
  const rows = [
    ['camera', 'fps', 'analysed', 'detected', 'dropped (source+busy)', 'drop %', 'restarts', 'state'],
    ...r.perCamera.map((c) => [c.camera, f2(c.fps), String(c.framesAnalysed), String(c.framesDetected), `${c.dropped} (${c.sourceDropped}+${c.detectorBusy})`, f1(c.dropPct), String(c.restarts), c.state]),
    ['all', f2(r.totals.fps), String(r.totals.framesAnalysed), String(r.totals.framesDetected), String(r.totals.dropped), f1(r.totals.dropPct), '', ''],
  ];
  const d = r.detector;
  const lines = [
    `vigie bench: ${r.cameras} camera${r.cameras === 1 ? '' : 's'} at ${r.targetFps} fps, ${MODE_LABEL[r.mode]}, detector ${r.engine}`,
    `  ${r.source} looping in real time; measured ${f1(r.durationS)} s after a ${r.warmupS} s warm-up`,
    '',
    ...table(rows).map((l) => `  ${l}`),
    '',
    `  detector calls     ${f2(d.callsPerS)} /s, ${orDash(d.callsPerAnalysedFrame, f2)} per analysed frame  (${d.calls} calls on ${d.workers} workers, ${orDash(d.meanCallMs, (v) => `${v.toFixed(0)} ms`)} each; ${d.refused} frames refused by the busy pool, ${d.failed} failed)`,
    `  CPU                process ${f1(res.processCpuPct)} %, ffmpeg ${orDash(res.childrenCpuPct, f1)} % (of ${res.cores} cores); machine busy ${orDash(res.machineBusyPct, f1)} % of ${res.machineCpus ?? '?'} CPUs`,
    `  memory (max RSS)   process ${f1(res.rssMaxMiB)} MiB, ffmpeg ${orDash(res.childrenRssMaxMiB, f1)} MiB (${res.children} processes), together ${f1(res.totalRssMaxMiB)} MiB`,
    `  event latency      ${distribution(r.latency.fromFrame)}`,
    `    frame read -> stored -> received on /api/live; from start_time: ${r.latency.fromStartTime ? `p95 ${seconds(r.latency.fromStartTime.p95)}` : '-'}`,
    `  events received    ${r.latency.messages.opened} opened, ${r.latency.messages.updated} updated, ${r.latency.messages.closed} closed`,
    '',
    `  targets: ${r.targets.map((t) => `${t.target}: ${t.ok ? 'yes' : 'NO'}`).join('; ')}`,
  ];
  return lines;
}

/** One line per `--max` trial. */
export function formatTrial(r: LoadBenchReport): string {
  const p95 = r.latency.fromFrame ? seconds(r.latency.fromFrame.p95) : '-';
  return `${String(r.cameras).padStart(3)} cameras: ${r.holds ? 'holds   ' : 'FAILS   '} min fps ${f2(r.totals.minCameraFps)}, drops ${f1(r.totals.dropPct)} %, detector ${f2(r.detector.callsPerS)} calls/s, latency p95 ${p95}, RSS ${f1(r.resources.totalRssMaxMiB)} MiB`;
}
