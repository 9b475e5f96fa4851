/**
 * Orders an event's snapshot file before its row: the row of an opened event is
 * written once the snapshot is durable on disk (or its render failed, or after
 * `maxWaitMs`), so a crash or power cut never leaves a row pointing at a
 * half-written snapshot. The render starts when the frame is handled, which may
 * come before or after the event reaches the writer: whichever side comes first
 * creates the entry.
 */
export interface SnapshotGate {
  /** The writer's side: resolves once the snapshot of `eventId` is settled, or after the wait limit. */
  settled(eventId: string): Promise<void>;
  /** The renderer's side: the file is durable, or the render failed. */
  settle(eventId: string): void;
}

interface Entry {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly timer: NodeJS.Timeout;
}

/** A settled snapshot nobody waits for is forgotten after this (an event whose row was never written). */
const FORGET_AFTER_MS = 60_000;

export function createSnapshotGate(maxWaitMs: number): SnapshotGate {
  const entries = new Map<string, Entry>();
  const entry = (eventId: string): Entry => {
    let found = entries.get(eventId);
    if (!found) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      const timer = setTimeout(() => entries.delete(eventId), FORGET_AFTER_MS);
      timer.unref();
      found = { promise, resolve, timer };
      entries.set(eventId, found);
    }
    return found;
  };
  return {
    async settled(eventId) {
      const e = entry(eventId);
      let limit: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((r) => (limit = setTimeout(r, maxWaitMs)));
      try {
        await Promise.race([e.promise, timedOut]);
      } finally {
        clearTimeout(limit);
        clearTimeout(e.timer);
        entries.delete(eventId);
      }
    },
    settle(eventId) {
      entry(eventId).resolve();
    },
  };
}
