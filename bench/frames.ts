import type { RgbFrame } from '../src/contracts/frame.js';
import { openFrameSource } from '../src/media/frame-source.js';

/** Decodes frames of a video into memory, so that a benchmark times only what it measures. */
export async function decodeFrames(source: string, options: { fps?: number; width?: number; limit?: number } = {}): Promise<RgbFrame[]> {
  const frames: RgbFrame[] = [];
  const src = openFrameSource({ source, ...(options.fps ? { fps: options.fps } : {}), ...(options.width ? { width: options.width } : {}) });
  for await (const frame of src) {
    frames.push(frame);
    if (options.limit !== undefined && frames.length >= options.limit) break;
  }
  await src.stop();
  return frames;
}

/** Copies a frame (stages such as privacy masks work in place). */
export function cloneFrame(frame: RgbFrame): RgbFrame {
  return { ...frame, data: new Uint8Array(frame.data) };
}
