/**
 * Cost of privacy on recorded footage: the CPU of one camera's recorder with
 * `recording.privacy_masks` (re-encoded with the masks overlaid) against a
 * stream copy, read from /proc/<pid>/stat of ffmpeg over a steady window; and
 * the wall time to render 30 s of blurred footage (what a first
 * `footage.mp4` / `clip.mp4` request waits), with the server's one detector worker.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetsDir } from '../src/cli/datasets.js';
import type { NormPolygon } from '../src/contracts/geometry.js';
import { anonymizeVideo } from '../src/evidence/anonymize.js';
import { openEngineDetector } from '../src/evidence/detector.js';
import { probeSource } from '../src/media/ffprobe.js';
import { buildSegmentArgs } from '../src/media/segment-args.js';
import { maskImagePam } from '../src/privacy/mask-image.js';
import { rasterizeMasks } from '../src/privacy/mask.js';
import type { Measure, Suite } from './suites.js';

const WARMUP_MS = 4_000;
const WINDOW_MS = 16_000;
const MASKS: NormPolygon[] = [[[0, 0], [0.4, 0], [0, 0.5]], [[0.7, 0.3], [0.95, 0.35], [0.9, 0.8], [0.75, 0.7]]];
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const vtest = (): string => join(datasetsDir(), 'pets09-s2l1', 'vtest.avi');
const carClip = (): string => join(datasetsDir(), 'intel-sample-videos', 'car-detection.mp4');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Runs the recorder's ffmpeg on a looping file in real time and returns its CPU in % of one core. */
async function recorderCpu(source: string, dir: string, masked: boolean): Promise<number> {
  let maskImage: string | undefined;
  if (masked) {
    const { width, height } = await probeSource(source);
    maskImage = join(dir, 'mask.pam');
    writeFileSync(maskImage, maskImagePam(rasterizeMasks(MASKS, { width, height })));
  }
  const args = buildSegmentArgs({ source, segmentS: 10, outputPattern: join(dir, 'seg-%06d.ts'), loop: true, ...(maskImage ? { maskImage } : {}) });
  const proc = spawn('ffmpeg', ['-nostdin', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await sleep(WARMUP_MS);
    const pid = proc.pid!;
    const c0 = cpuSeconds(pid);
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const c1 = cpuSeconds(pid);
    return ((c1 - c0) / ((performance.now() - t0) / 1000)) * 100;
  } finally {
    proc.kill('SIGKILL');
  }
}

/** 30 s of a clip as H.264 MPEG-TS, then the blurred render of it as the footage route makes it. */
async function blurredRenderSeconds(dir: string): Promise<{ seconds: number; frames: number }> {
  const source = join(dir, 'source.ts');
  execFileSync('ffmpeg', ['-v', 'error', '-t', '30', '-i', vtest(), '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-f', 'mpegts', source]);
  const detector = await openEngineDetector(null, 1);
  try {
    const t0 = performance.now();
    const result = await anonymizeVideo({ segments: [source], offsetS: 0, durationS: 30, out: join(dir, 'blurred.mp4'), detector, inFlight: detector.inFlight, masks: MASKS });
    return { seconds: (performance.now() - t0) / 1000, frames: result.frames };
  } finally {
    await detector.close();
  }
}

export const maskedRecordingSuite: Suite = {
  name: 'masked-recording',
  needs: [vtest(), carClip()],
  async run() {
    const bench = 'masked recording / blurred footage';
    const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-mask-'));
    const round = (v: number): number => Math.round(v * 10) / 10;
    try {
      // A 720p25 camera: no such clip in the datasets, so PETS09 upscaled (re-encoded once, before timing).
      const hd = join(dir, 'hd720.mp4');
      execFileSync('ffmpeg', ['-v', 'error', '-t', '30', '-i', vtest(), '-vf', 'scale=1280:720,fps=25', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', hd]);
      const measures: Measure[] = [];
      for (const [label, source, copyToo] of [
        ['vtest.avi 768x576 10 fps', vtest(), false],
        ['car-detection.mp4 768x432 12.5 fps', carClip(), true],
        ['PETS09 upscaled 1280x720 25 fps', hd, true],
      ] as const) {
        if (copyToo) measures.push({ bench, metric: `recorder CPU, stream copy, ${label}`, value: round(await recorderCpu(source, dir, false)), unit: '% of one core' });
        measures.push({ bench, metric: `recorder CPU, masked (libx264 veryfast), ${label}`, value: round(await recorderCpu(source, dir, true)), unit: '% of one core' });
      }
      const render = await blurredRenderSeconds(dir);
      measures.push({ bench, metric: `render of 30 s blurred footage (${render.frames} frames 768x576, 1 detector worker)`, value: round(render.seconds), unit: 's' });
      return measures;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
