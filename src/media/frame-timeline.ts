/**
 * Presentation times of analysed frames, in ms from the start of the source.
 * Within one ffmpeg run the output rate is constant (fps filter) or the
 * source's own, so the frame index gives the time exactly. Across restarts of
 * a live source, a run starts right after the last frame, or at the wall time
 * elapsed since the first frame if the outage was longer, so times never go
 * back and stay close to real time.
 */
export class FrameTimeline {
  private originWallMs: number | null = null;
  private lastPtsMs: number | null = null;
  private segmentBaseMs = 0;
  private segmentFrames = 0;

  constructor(private readonly frameIntervalMs: number) {}

  /** A new ffmpeg run begins. */
  startSegment(): void {
    this.segmentFrames = 0;
  }

  /** ptsMs of the next frame, read at `wallMs`. */
  next(wallMs: number): number {
    if (this.segmentFrames === 0) {
      this.originWallMs ??= wallMs;
      this.segmentBaseMs =
        this.lastPtsMs === null ? 0 : Math.max(this.lastPtsMs + this.frameIntervalMs, wallMs - this.originWallMs);
    }
    const ptsMs = this.segmentBaseMs + this.segmentFrames * this.frameIntervalMs;
    this.segmentFrames += 1;
    this.lastPtsMs = ptsMs;
    return ptsMs;
  }
}
