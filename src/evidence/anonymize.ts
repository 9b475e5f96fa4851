/**
 * The anonymised video of an export: the original segments decoded by ffmpeg,
 * every detected person blurred in every frame (also where they were seen the
 * frame before, so a person the detector misses for one frame stays blurred),
 * the camera's privacy masks filled in black, re-encoded to H.264 MP4. The
 * result is NOT the original recording.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import type { ObjectClass } from '../contracts/classes.js';
import type { BoxXYXY, NormPolygon } from '../contracts/geometry.js';
import type { Detection } from '../contracts/detection.js';
import { startFfmpeg } from '../media/ffmpeg-process.js';
import { FrameAssembler } from '../media/frame-assembler.js';
import { probeSource } from '../media/ffprobe.js';
import { applyMaskBitmap, rasterizeMasks, type MaskBitmap } from '../privacy/mask.js';
import { blurBoxes, padBox } from '../render/blur.js';
import type { DetectorFrame } from '../vision/detect/detector.js';
import { EvidenceError } from './errors.js';
import { planKeptSubject, type KeepPlan, type KeepPoint } from './keep-subject.js';

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
  /** The camera's privacy masks (normalised polygons), filled in black in every frame. */
  readonly masks?: readonly NormPolygon[];
  /** One person left unblurred (access requests); `atS` counts from the first frame kept. */
  readonly keep?: KeepPoint | null;
  /** Aborted when Vigie stops: the ffmpeg processes end with it instead of finishing the render. */
  readonly signal?: AbortSignal;
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
  /** Pixels filled by the privacy masks in each frame (0: no mask). */
  readonly maskedPixels: number;
  /** The subject left unblurred, when one was asked for. */
  readonly kept: { readonly trackId: number; readonly frame: number; readonly framesKept: number } | null;
}

interface Geometry {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

function concatList(paths: readonly string[]): string {
  return `ffconcat version 1.0\n${paths.map((p) => `file '${p.replace(/'/g, "'\\''")}'\n`).join('')}`;
}

/** Decodes the range to RGB24 frames, masks each one and hands it to `onFrame` (awaited: back-pressure). */
async function decodeRange(listFile: string, input: AnonymizeInput, geo: Geometry, mask: MaskBitmap | null, onFrame: (frame: Buffer) => Promise<void>): Promise<void> {
  const decoder = startFfmpeg({
    args: [
      '-nostdin', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', listFile,
      '-ss', input.offsetS.toFixed(3), '-t', input.durationS.toFixed(3),
      '-an', '-r', String(geo.fps), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ],
  });
  const stopDecoder = (): void => void decoder.stop();
  input.signal?.addEventListener('abort', stopDecoder, { once: true });
  try {
    const assembler = new FrameAssembler(geo.width * geo.height * 3);
    const ready: Buffer[] = [];
    for await (const chunk of decoder.stdout as AsyncIterable<Buffer>) {
      assembler.push(chunk, (frame) => ready.push(frame));
      for (const frame of ready) {
        // Masked before detection, as in live analysis: nothing inside a mask is looked at.
        if (mask) applyMaskBitmap(frame, mask);
        await onFrame(frame);
      }
      ready.length = 0;
    }
  } catch (err) {
    await decoder.stop();
    throw err;
  } finally {
    input.signal?.removeEventListener('abort', stopDecoder);
  }
  if (input.signal?.aborted) throw new EvidenceError('UNAVAILABLE', 'the render was stopped: Vigie is shutting down');
  const decoded = await decoder.exited;
  if (decoded.code !== 0) {
    throw new EvidenceError('UNAVAILABLE', `ffmpeg could not decode the recording for anonymisation: ${decoded.spawnError?.message ?? decoded.stderrTail.slice(-3).join(' / ')}`);
  }
}

const peopleOf = (detections: readonly Detection[]): Detection[] => detections.filter((d) => BLURRED_CLASSES.has(d.cls));

/** Runs the detector over every frame, `window` frames in flight; returns the people of each frame. */
async function detectAll(listFile: string, input: AnonymizeInput, geo: Geometry, mask: MaskBitmap | null, window: number): Promise<Detection[][]> {
  const all: Detection[][] = [];
  const pending: Promise<Detection[]>[] = [];
  try {
    await decodeRange(listFile, input, geo, mask, async (frame) => {
      pending.push(input.detector.detect({ data: frame, width: geo.width, height: geo.height }));
      if (pending.length >= window) all.push(peopleOf(await pending.shift()!));
    });
    while (pending.length > 0) all.push(peopleOf(await pending.shift()!));
    return all;
  } finally {
    await Promise.allSettled(pending);
  }
}

/**
 * Decodes, blurs and re-encodes; removes `out` if anything fails. With `keep`,
 * a first pass detects and tracks every frame (the subject is designated at
 * one instant but must stay unblurred from the first frame), a second pass
 * decodes again and blurs.
 */
export async function anonymizeVideo(input: AnonymizeInput): Promise<AnonymizeResult> {
  const first = input.segments[0];
  if (first === undefined) throw new EvidenceError('NOT_FOUND', 'nothing to anonymise: no segment');
  const info = await probeSource(first);
  const geo: Geometry = { width: info.width, height: info.height, fps: info.fps > 0 && info.fps <= 120 ? info.fps : 25 };
  const { width, height, fps } = geo;
  const mask = input.masks && input.masks.length > 0 ? rasterizeMasks(input.masks, geo) : null;
  const window = Math.max(1, input.inFlight ?? 3);
  const listFile = `${input.out}.concat.txt`;
  await writeFile(listFile, concatList(input.segments));

  let encoder: ReturnType<typeof spawn> | null = null;
  let encoderExit: Promise<number | null> = Promise.resolve(0);
  const pending: { frame: Buffer; detections: Promise<Detection[]> }[] = [];
  try {
    let plan: KeepPlan | null = null;
    let stored: Detection[][] | null = null;
    if (input.keep) {
      stored = await detectAll(listFile, input, geo, mask, window);
      if (stored.length === 0) throw new EvidenceError('NOT_FOUND', 'no frame decoded in the requested range: nothing to anonymise');
      plan = planKeptSubject(stored, geo, input.keep);
    }

    const enc = spawn(
      'ffmpeg',
      [
        '-nostdin', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0',
        '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', input.out,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    encoder = enc;
    let encoderErr = '';
    enc.stderr.on('data', (d: Buffer) => (encoderErr = (encoderErr + d.toString()).slice(-2000)));
    enc.stdin.on('error', () => undefined); // EPIPE when the encoder failed: reported from its exit code
    encoderExit = new Promise<number | null>((resolve) => {
      enc.once('error', () => resolve(-1));
      enc.once('close', (code) => resolve(code));
    });

    let frames = 0;
    let boxesBlurred = 0;
    let framesWithPeople = 0;
    let previous: BoxXYXY[] = [];
    const emit = async (item: { frame: Buffer; detections: Promise<Detection[]> }): Promise<void> => {
      const keptIndex = plan?.kept[frames] ?? -1;
      const people = (stored ? await item.detections : peopleOf(await item.detections)).filter((_, i) => i !== keptIndex).map((d) => padBox(d.box, PAD));
      const n = blurBoxes({ data: item.frame, width, height }, [...people, ...previous]);
      previous = people;
      frames += 1;
      boxesBlurred += n;
      if (n > 0) framesWithPeople += 1;
      if (!enc.stdin.write(item.frame)) await Promise.race([once(enc.stdin, 'drain'), encoderExit]);
    };

    let decoded = 0;
    await decodeRange(listFile, input, geo, mask, async (frame) => {
      // Second pass: the detections of the first, frame by frame (a frame more at the end is blurred as the last one).
      const known = stored ? Promise.resolve(stored[Math.min(decoded++, stored.length - 1)]!) : null;
      pending.push({ frame, detections: known ?? input.detector.detect({ data: frame, width, height }) });
      if (pending.length >= (stored ? 1 : window)) await emit(pending.shift()!);
    });
    while (pending.length > 0) await emit(pending.shift()!);
    enc.stdin.end();
    const code = await encoderExit;
    if (code !== 0) throw new EvidenceError('UNAVAILABLE', `ffmpeg could not encode the anonymised video (libx264): ${encoderErr.trim().split('\n').slice(-3).join(' / ') || `exit ${String(code)}`}`);
    if (frames === 0) throw new EvidenceError('NOT_FOUND', 'no frame decoded in the requested range: nothing to anonymise');
    const kept = plan ? { trackId: plan.trackId, frame: plan.frame, framesKept: plan.framesKept } : null;
    return { frames, boxesBlurred, framesWithPeople, width, height, fps, maskedPixels: mask?.maskedPixels ?? 0, kept };
  } catch (err) {
    // Settle detections still in flight so none rejects unobserved.
    await Promise.allSettled(pending.map((p) => p.detections));
    if (encoder && encoder.exitCode === null) encoder.kill('SIGKILL');
    await encoderExit;
    await rm(input.out, { force: true });
    throw err;
  } finally {
    await rm(listFile, { force: true });
  }
}
