import type { TrackFrame, TrackSnapshot } from '../contracts/track.js';
import { normaliseBox } from '../geometry/anchor.js';
import { ABSENT_GRACE_S, MAX_TRACKED_PER_RULE, capTable, carryAbsent, liveTracks, type DropReason, type SeenEntry } from './track-table.js';
import type { ActiveSignal, Details, EndReason, EndedSignal, InstantSignal, Rule, RuleMeta, RuleSignal } from './types.js';

/** A signal about track `t` in `frame`: a lasting situation that holds, or an instant. */
export function trackSignal(kind: 'instant', meta: RuleMeta, t: TrackSnapshot, frame: TrackFrame, details: Details): InstantSignal;
export function trackSignal(kind: 'situation.active', meta: RuleMeta, t: TrackSnapshot, frame: TrackFrame, details: Details): ActiveSignal;
export function trackSignal(
  kind: 'instant' | 'situation.active',
  meta: RuleMeta,
  t: TrackSnapshot,
  frame: TrackFrame,
  details: Details,
): InstantSignal | ActiveSignal {
  return { kind, ruleId: meta.id, type: meta.type, trackId: t.id, tSec: frame.tSec, cls: t.cls, box: normaliseBox(t.box, frame), score: t.score, details };
}

/** The lasting situation of a track stopped. */
export function endedSignal(meta: RuleMeta, trackId: number, tSec: number, reason: EndReason): EndedSignal {
  return { kind: 'situation.ended', ruleId: meta.id, type: meta.type, trackId, tSec, reason };
}

/** Per-track rule memory; `active` when the track's situation is raised. */
export interface SituationEntry extends SeenEntry {
  readonly active?: boolean;
}

/**
 * The frame loop every per-track rule shares: entries of absent or ended tracks are
 * carried or dropped (closing their situation), each live track goes through
 * `step` (which returns its new entry, or undefined to forget it), and the table
 * stays bounded.
 */
function evaluatePerTrack<E extends SituationEntry>(
  meta: RuleMeta,
  tracks: ReadonlyMap<number, E>,
  frame: TrackFrame,
  step: (prev: E | undefined, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]) => E | undefined,
): { readonly tracks: Map<number, E>; readonly signals: RuleSignal[] } {
  const signals: RuleSignal[] = [];
  const onDrop = (id: number, entry: E, reason: DropReason): void => {
    if (entry.active) signals.push(endedSignal(meta, id, frame.tSec, reason));
  };
  const next = carryAbsent(tracks, frame, ABSENT_GRACE_S, onDrop);
  for (const t of liveTracks(frame)) {
    const entry = step(tracks.get(t.id), t, frame, signals);
    if (entry) next.set(t.id, entry);
  }
  return { tracks: capTable(next, MAX_TRACKED_PER_RULE, onDrop), signals };
}

/** State of a per-track rule: one entry per track it is following. */
export interface PerTrackState<E> {
  readonly tracks: ReadonlyMap<number, E>;
}

/** A rule made of one `step` per live track per frame (every rule of this folder is). */
export function perTrackRule<E extends SituationEntry>(
  meta: RuleMeta,
  step: (prev: E | undefined, t: TrackSnapshot, frame: TrackFrame, signals: RuleSignal[]) => E | undefined,
): Rule<PerTrackState<E>> {
  return {
    meta,
    init: () => ({ tracks: new Map() }),
    evaluate(state, frame) {
      const { tracks, signals } = evaluatePerTrack(meta, state.tracks, frame, step);
      return { state: { tracks }, signals };
    },
  };
}
