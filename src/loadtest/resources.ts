/**
 * CPU and memory of the system under load, over the measurement window: this
 * Node process (main thread + detector worker threads), its ffmpeg children,
 * and the whole machine. Memory is sampled every second and its maximum kept.
 */
import os from 'node:os';
import { machineBusyRatio, readChildren, readMachineCpu, USER_HZ, type ChildReading, type MachineCpuTimes } from './proc.js';

export interface ResourceFigures {
  readonly wallS: number;
  /** Cores this process may use (`os.availableParallelism()`): the denominator of the CPU shares. */
  readonly cores: number;
  /** This process (main thread and worker threads), % of `cores`. */
  readonly processCpuPct: number;
  /** The ffmpeg (and ffprobe) child processes, % of `cores`; null without /proc. */
  readonly childrenCpuPct: number | null;
  /** The whole machine from /proc/stat, % of `machineCpus` (other tenants included); null without /proc. */
  readonly machineBusyPct: number | null;
  readonly machineCpus: number | null;
  readonly rssMaxMiB: number;
  /** Largest sum of the ffmpeg children's RSS at one sample; null without /proc. */
  readonly childrenRssMaxMiB: number | null;
  /** Largest process + children RSS at one sample. */
  readonly totalRssMaxMiB: number;
  /** Most ffmpeg children seen at one sample. */
  readonly children: number;
}

export interface ResourceSampler {
  /** Stops sampling and returns the figures since the sampler was started. */
  stop(): ResourceFigures;
}

const MIB = 1024 * 1024;
const FFMPEG_COMM = /^ff(mpeg|probe)$/;

/** Starts measuring now; sample memory every `intervalMs`. */
export function startResourceSampler(options: { readonly intervalMs?: number; readonly pid?: number } = {}): ResourceSampler {
  const pid = options.pid ?? process.pid;
  const cores = os.availableParallelism();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const machine0: MachineCpuTimes | null = readMachineCpu();
  /** Per child: ticks when first seen (0 for a child born during the window) and last seen. */
  const childTicks = new Map<number, { first: number; last: number }>();
  let rssMax = 0;
  let childrenRssMax: number | null = null;
  let totalRssMax = 0;
  let childrenMax = 0;
  let hasProc = false;

  const sample = (initial: boolean): void => {
    const rss = process.memoryUsage.rss();
    // Only the cameras' decoders: under tsx this process also has an esbuild child.
    const children: ChildReading[] | null = readChildren(pid)?.filter((c) => FFMPEG_COMM.test(c.comm)) ?? null;
    let childrenRss = 0;
    for (const child of children ?? []) {
      const seen = childTicks.get(child.pid);
      if (seen) seen.last = child.cpuTicks;
      else childTicks.set(child.pid, { first: initial ? child.cpuTicks : 0, last: child.cpuTicks });
      childrenRss += child.rssKiB * 1024;
    }
    rssMax = Math.max(rssMax, rss);
    if (children) {
      hasProc = true;
      childrenRssMax = Math.max(childrenRssMax ?? 0, childrenRss);
      childrenMax = Math.max(childrenMax, children.length);
    }
    totalRssMax = Math.max(totalRssMax, rss + childrenRss);
  };

  sample(true);
  const timer = setInterval(() => sample(false), options.intervalMs ?? 1000);
  timer.unref();

  return {
    stop() {
      clearInterval(timer);
      sample(false);
      const wallS = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const machine1 = readMachineCpu();
      const pctOfCores = (cpuS: number): number => (wallS > 0 ? (100 * cpuS) / wallS / cores : 0);
      const childTicksUsed = [...childTicks.values()].reduce((s, t) => s + Math.max(0, t.last - t.first), 0);
      return {
        wallS,
        cores,
        processCpuPct: pctOfCores((cpu.user + cpu.system) / 1e6),
        childrenCpuPct: hasProc ? pctOfCores(childTicksUsed / USER_HZ) : null,
        machineBusyPct: machine0 && machine1 ? 100 * machineBusyRatio(machine0, machine1) : null,
        machineCpus: machine1?.cpus ?? null,
        rssMaxMiB: rssMax / MIB,
        childrenRssMaxMiB: childrenRssMax === null ? null : childrenRssMax / MIB,
        totalRssMaxMiB: totalRssMax / MIB,
        children: childrenMax,
      };
    },
  };
}
