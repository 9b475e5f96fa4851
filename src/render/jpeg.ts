/** JPEG encoding of RGB24 frames with sharp (libjpeg-turbo), resized down to a maximum width. */
import sharp from 'sharp';
import { assertRaster, type Raster } from './draw.js';

export interface JpegOptions {
  /** JPEG quality 1..100 (default 80). */
  readonly quality?: number;
  /** Frames wider than this are scaled down to it (height keeps the aspect ratio); default: no limit. */
  readonly maxWidth?: number;
}

export const DEFAULT_JPEG_QUALITY = 80;

/** Output size of `encodeJpeg` for a frame of `width` x `height` pixels. */
export function jpegSize(width: number, height: number, maxWidth?: number): { width: number; height: number } {
  if (maxWidth === undefined || width <= maxWidth) return { width, height };
  const w = Math.max(1, Math.floor(maxWidth));
  return { width: w, height: Math.max(1, Math.round((height * w) / width)) };
}

/**
 * Encodes a packed RGB24 frame as a baseline JPEG (4:2:0). The frame's buffer
 * is read, not kept: the caller may reuse it once the promise settles.
 *
 * @throws RangeError on a bad size, quality or maxWidth (synchronously checked, rejected promise).
 */
export async function encodeJpeg(frame: Raster, options: JpegOptions = {}): Promise<Buffer> {
  assertRaster(frame);
  const quality = options.quality ?? DEFAULT_JPEG_QUALITY;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new RangeError(`JPEG quality must be an integer from 1 to 100, got ${quality}`);
  }
  if (options.maxWidth !== undefined && !(options.maxWidth >= 1)) {
    throw new RangeError(`maxWidth must be at least 1, got ${options.maxWidth}`);
  }
  const { data, width, height } = frame;
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let img = sharp(input, { raw: { width, height, channels: 3 } });
  const target = jpegSize(width, height, options.maxWidth);
  if (target.width !== width) img = img.resize(target.width, target.height, { fit: 'fill' });
  return img.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
}
