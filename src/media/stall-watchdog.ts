/**
 * Fires once when no progress was reported for `timeoutMs` while armed.
 * Disarmed while the consumer applies backpressure: a source we chose not to
 * read is not stalled.
 */
export class StallWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private fired = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onStall: () => void,
  ) {}

  /** Starts (or restarts) the countdown. */
  arm(): void {
    if (this.fired) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fired = true;
      this.onStall();
    }, this.timeoutMs);
  }

  /** Progress was made: restart the countdown if armed. */
  kick(): void {
    this.timer?.refresh();
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
