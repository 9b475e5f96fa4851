/** Identifies one analysed frame of one camera. */
export interface FrameRef {
  readonly cameraId: string;
  /** Index of the frame in the analysed stream, from 0. */
  readonly seq: number;
  /** Presentation time in milliseconds from the start of the source (or stream). */
  readonly ptsMs: number;
  /** Wall-clock time (ms since epoch, UTC) when the frame was read. */
  readonly wallMs: number;
  readonly width: number;
  readonly height: number;
}

/** A decoded frame: packed RGB24, `width * height * 3` bytes, row-major. */
export interface RgbFrame extends FrameRef {
  readonly data: Uint8Array;
}
