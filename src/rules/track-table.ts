import type { TrackFrame } from '../contracts/track.js';

/**
 * Bounds on per-track rule state (STYLE pitfall 6: state never evicted).
 * A track absent from a frame without being reported ended keeps its state this
 * long, then it is dropped; no table ever holds more than MAX_TRACKED_PER_RULE.
 */
export const ABSENT_GRACE_S = 2;
export const MAX_TRACKED_PER_RULE = 2048;

/** Per-track entries need to say when their track was last seen. */
export interface SeenEntry {
  readonly lastSeenS: number;
}

/** Why an entry left the table. */
export type DropReason = 'track_ended' | 'track_lost' | 'evicted';

/**
 * Carries over the entries of tracks NOT present in `frame`: dropped if the track
 * ended in this frame or has been absent longer than `graceS`. Calls `onDrop` for
 * each dropped entry. Present tracks are left to the caller, which rebuilds them.
 */
export function carryAbsent<E extends SeenEntry>(
  previous: ReadonlyMap<number, E>,
  frame: TrackFrame,
  graceS: number,
  onDrop: (trackId: number, entry: E, reason: DropReason) => void,
): Map<number, E> {
  const next = new Map<number, E>();
  if (previous.size === 0) return next;
  const present = new Set<number>();
  for (const t of frame.tracks) present.add(t.id);
  const ended = new Set(frame.endedTrackIds);
  for (const [id, entry] of previous) {
    if (present.has(id) && !ended.has(id)) continue;
    if (ended.has(id)) onDrop(id, entry, 'track_ended');
    else if (frame.tSec - entry.lastSeenS > graceS) onDrop(id, entry, 'track_lost');
    else next.set(id, entry);
  }
  return next;
}

/**
 * Evicts the least recently seen entries until the table holds at most `max`.
 * Only a flood of simultaneous tracks reaches this; normal streams never do.
 */
export function capTable<E extends SeenEntry>(
  table: Map<number, E>,
  max: number,
  onDrop: (trackId: number, entry: E, reason: DropReason) => void,
): Map<number, E> {
  if (table.size <= max) return table;
  const byAge = [...table].sort((x, y) => x[1].lastSeenS - y[1].lastSeenS);
  for (const [id, entry] of byAge.slice(0, table.size - max)) {
    table.delete(id);
    onDrop(id, entry, 'evicted');
  }
  return table;
}

/** The frame's tracks, minus any also listed as ended in the same frame. */
export function liveTracks(frame: TrackFrame): TrackFrame['tracks'] {
  if (frame.endedTrackIds.length === 0) return frame.tracks;
  const ended = new Set(frame.endedTrackIds);
  return frame.tracks.filter((t) => !ended.has(t.id));
}
