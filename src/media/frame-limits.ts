/**
 * The largest frames Vigie decodes. Every frame is held as packed RGB
 * (width * height * 3 bytes) and a few are queued per camera, so a file or a
 * camera declaring a huge size (a crafted header, 65535x65535) is refused before
 * any buffer is allocated, instead of exhausting memory.
 */
import { MediaError } from './errors.js';
import type { FrameSize } from './ffmpeg-args.js';

/** Longest side accepted, in pixels. */
export const MAX_FRAME_SIDE = 8192;
/** Most pixels in one frame: 8K UHD (7680x4320, some 100 MB as RGB). */
export const MAX_FRAME_PIXELS = 7680 * 4320;

/** The reason a frame size is refused, or null when Vigie can decode it. */
export function frameSizeProblem(size: FrameSize): string | null {
  const { width, height } = size;
  if (width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE) {
    return `${width}x${height}: a side is over the limit of ${MAX_FRAME_SIDE} pixels`;
  }
  if (width * height > MAX_FRAME_PIXELS) {
    return `${width}x${height} is ${width * height} pixels, over the limit of ${MAX_FRAME_PIXELS} (7680x4320)`;
  }
  return null;
}

/** Throws FRAME_TOO_LARGE naming the size and the limit. `what` says which frames (`source`, `analysed`). */
export function assertFrameSizeWithinLimits(size: FrameSize, source: string, what = 'source'): void {
  const problem = frameSizeProblem(size);
  if (problem) throw new MediaError('FRAME_TOO_LARGE', source, `${what} frames ${problem}: re-encode the video smaller, e.g. ffmpeg -i IN -vf scale=1920:-2 OUT`);
}
