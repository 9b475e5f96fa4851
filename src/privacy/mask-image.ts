/**
 * A privacy-mask bitmap as an image file for ffmpeg (masked recording): PAM
 * (Netpbm) RGBA, black and opaque where masked, transparent elsewhere, so an
 * `overlay` filter fills exactly the pixels `rasterizeMasks` marks (the same
 * conservative coverage as the analysis masks).
 */
import type { MaskBitmap } from './mask.js';

export function maskImagePam(mask: MaskBitmap): Buffer {
  const header = Buffer.from(`P7\nWIDTH ${mask.width}\nHEIGHT ${mask.height}\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n`, 'ascii');
  // RGB stays 0 (black); only alpha varies.
  const pixels = Buffer.alloc(mask.width * mask.height * 4);
  for (let i = 0; i < mask.bits.length; i++) if (mask.bits[i] === 1) pixels[i * 4 + 3] = 255;
  return Buffer.concat([header, pixels]);
}
