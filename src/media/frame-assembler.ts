/**
 * Cuts a raw byte stream into fixed-size frames. Each chunk is copied once,
 * straight into the frame buffer it belongs to: no chunk lists, no concat.
 */
export class FrameAssembler {
  readonly frameBytes: number;
  private buffer: Buffer | null = null;
  private filled = 0;

  constructor(frameBytes: number) {
    if (!(Number.isInteger(frameBytes) && frameBytes > 0)) throw new RangeError(`frameBytes must be a positive integer, got ${frameBytes}`);
    this.frameBytes = frameBytes;
  }

  /** Copies `chunk` in and calls `onFrame` with each completed frame, which the callee then owns. */
  push(chunk: Uint8Array, onFrame: (frame: Buffer) => void): void {
    let offset = 0;
    while (offset < chunk.length) {
      // A fresh, unpooled buffer per frame: consumers keep frames (snapshots,
      // clip buffers) and must never see them overwritten.
      this.buffer ??= Buffer.allocUnsafeSlow(this.frameBytes);
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.buffer.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.frameBytes) {
        const frame = this.buffer;
        this.buffer = null;
        this.filled = 0;
        onFrame(frame);
      }
    }
  }

  /** Bytes of an incomplete frame held back (non-zero at the end means a truncated last frame). */
  get pendingBytes(): number {
    return this.filled;
  }

  /** Drops a partial frame, e.g. when ffmpeg is restarted mid-frame. */
  reset(): void {
    this.filled = 0;
  }
}
