/**
 * The anonymised video of an export: the original segments decoded by ffmpeg,
 * every detected person blurred in every frame (also where they were seen the
 * frame before, so a person the detector misses for one frame stays blurred),
 * re-encoded to H.264 MP4. The result is NOT the original recording.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import type { ObjectClass } from '../contracts/classes.js';
import type { BoxXYXY } from '../contracts/geometry.js';
import type { Detection } from '../contracts/detection.js';
import { startFfmpeg } from '../media/ffmpeg-process.js';
import { FrameAssembler } from '../media/frame-assembler.js';
import { probeSource } from '../media/ffprobe.js';
import { blurBoxes, padBox } from '../render/blur.js';
import type { DetectorFrame } from '../vision/detect/detector.js';
import { EvidenceError } from './errors.js';

/** People, and class-less motion blobs (which may be people). */
const BLURRED_CLASSES: ReadonlySet<ObjectClass> = new Set<ObjectClass>(['person', 'object']);
/** Lower than an alert's threshold: a missed person is worse than a blurred bin. */
export const ANONYMIZE_MIN_SCORE = 0.25;
const PAD = 0.1;

export interface AnonymizeInput {
  /** Original segment files, in time order. */
  readonly segments: readonly string[];
  /** Seconds from the first segment's start to the first frame kept, and how many seconds to keep. */
  readonly offsetS: number;
  readonly durationS: number;
  /** MP4 file to write. */
  readonly out: string;
  readonly detector: { detect(frame: DetectorFrame): Promise<Detection[]> };
  /** Frames detected at once (the pool size + 1 keeps every worker busy). */
  readonly inFlight?: number;
}

export interface AnonymizeResult {
  readonly frames: number;
  /** Boxes blurred, all frames together. */
  readonly boxesBlurred: number;
  /** Frames with at least one blurred box. */
  readonly framesWithPeople: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

function concatList(paths: readonly string[]): string {
  return `ffconcat version 1.0\n${paths.map((p) => `file '${p.replace(/'/g, "'\\''")}'\n`).join('')}`;
}

/** Decodes, blurs and re-encodes; removes `out` if anything fails. */
export async function anonymizeVideo(input: AnonymizeInput): Promise<AnonymizeResult> {
  const first = input.segments[0];
  if (first === undefined) throw new EvidenceError('NOT_FOUND', 'nothing to anonymise: no segment');
  const info = await probeSource(first);
  const { width, height } = info;
  const fps = info.fps > 0 && info.fps <= 120 ? info.fps : 25;
  const listFile = `${input.out}.concat.txt`;
  await writeFile(listFile, concatList(input.segments));

  const decoder = startFfmpeg({
    args: [
      '-nostdin', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', listFile,
      '-ss', input.offsetS.toFixed(3), '-t', input.durationS.toFixed(3),
      '-an', '-r', String(fps), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ],
  });
  const encoder = spawn(
    'ffmpeg',
    [
      '-nostdin', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0',
      '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', input.out,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let encoderErr = '';
  encoder.stderr.on('data', (d: Buffer) => (encoderErr = (encoderErr + d.toString()).slice(-2000)));
  encoder.stdin.on('error', () => undefined); // EPIPE when the encoder failed: reported from its exit code
  const encoderExit = new Promise<number | null>((resolve) => {
    encoder.once('error', () => resolve(-1));
    encoder.once('close', (code) => resolve(code));
  });

  let frames = 0;
  let boxesBlurred = 0;
  let framesWithPeople = 0;
  let previous: BoxXYXY[] = [];
  const window = Math.max(1, input.inFlight ?? 3);
  const pending: { frame: Buffer; detections: Promise<Detection[]> }[] = [];

  const emit = async (item: { frame: Buffer; detections: Promise<Detection[]> }): Promise<void> => {
    const people = (await item.detections).filter((d) => BLURRED_CLASSES.has(d.cls)).map((d) => padBox(d.box, PAD));
    const n = blurBoxes({ data: item.frame, width, height }, [...people, ...previous]);
    previous = people;
    frames += 1;
    boxesBlurred += n;
    if (n > 0) framesWithPeople += 1;
    if (!encoder.stdin.write(item.frame)) await Promise.race([once(encoder.stdin, 'drain'), encoderExit]);
  };

  try {
    const assembler = new FrameAssembler(width * height * 3);
    for await (const chunk of decoder.stdout as AsyncIterable<Buffer>) {
      const ready: Buffer[] = [];
      assembler.push(chunk, (frame) => ready.push(frame));
      for (const frame of ready) {
        pending.push({ frame, detections: input.detector.detect({ data: frame, width, height }) });
        if (pending.length >= window) await emit(pending.shift()!);
      }
    }
    while (pending.length > 0) await emit(pending.shift()!);
    const decoded = await decoder.exited;
    if (decoded.code !== 0) {
      throw new EvidenceError('UNAVAILABLE', `ffmpeg could not decode the recording for anonymisation: ${decoded.spawnError?.message ?? decoded.stderrTail.slice(-3).join(' / ')}`);
    }
    encoder.stdin.end();
    const code = await encoderExit;
    if (code !== 0) throw new EvidenceError('UNAVAILABLE', `ffmpeg could not encode the anonymised video (libx264): ${encoderErr.trim().split('\n').slice(-3).join(' / ') || `exit ${String(code)}`}`);
    if (frames === 0) throw new EvidenceError('NOT_FOUND', 'no frame decoded in the requested range: nothing to anonymise');
    return { frames, boxesBlurred, framesWithPeople, width, height, fps };
  } catch (err) {
    // Settle detections still in flight so none rejects unobserved.
    await Promise.allSettled(pending.map((p) => p.detections));
    await decoder.stop();
    if (encoder.exitCode === null) encoder.kill('SIGKILL');
    await encoderExit;
    await rm(input.out, { force: true });
    throw err;
  } finally {
    await rm(listFile, { force: true });
  }
}
