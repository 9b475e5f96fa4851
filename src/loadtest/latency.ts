/**
 * Event latency as an operator lives it: from the wall-clock time the frame that
 * opened the event was read from ffmpeg (`RgbFrame.wallMs`) to the moment the
 * stored event arrives on the /api/live WebSocket. The two halves come from two
 * places (the frame result, the socket) in either order; they are matched by
 * event id.
 */
export interface LatencyMatcher {
  /** An `opened` change was in the result of the frame read at `frameWallMs`. */
  opened(eventId: string, frameWallMs: number): void;
  /** The `opened` message of the event reached the WebSocket client at `receivedMs`. */
  received(eventId: string, receivedMs: number): void;
  /** Latencies (ms) of the matched events received within [fromMs, toMs). */
  latencies(window: { readonly fromMs: number; readonly toMs: number }): number[];
  /** Receipts whose frame never came (0 unless events are opened outside the pipeline). */
  unmatched(): number;
}

export function createLatencyMatcher(): LatencyMatcher {
  const frames = new Map<string, number>();
  const receipts = new Map<string, number>();
  const measured: { readonly receivedMs: number; readonly latencyMs: number }[] = [];
  return {
    opened(eventId, frameWallMs) {
      const receivedMs = receipts.get(eventId);
      if (receivedMs === undefined) {
        frames.set(eventId, frameWallMs);
        return;
      }
      receipts.delete(eventId);
      measured.push({ receivedMs, latencyMs: receivedMs - frameWallMs });
    },
    received(eventId, receivedMs) {
      const frameWallMs = frames.get(eventId);
      if (frameWallMs === undefined) {
        receipts.set(eventId, receivedMs);
        return;
      }
      frames.delete(eventId);
      measured.push({ receivedMs, latencyMs: receivedMs - frameWallMs });
    },
    latencies: ({ fromMs, toMs }) => measured.filter((m) => m.receivedMs >= fromMs && m.receivedMs < toMs).map((m) => m.latencyMs),
    unmatched: () => receipts.size,
  };
}
