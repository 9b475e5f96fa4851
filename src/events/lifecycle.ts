import { randomUUID } from 'node:crypto';
import type { ObjectClass } from '../contracts/classes.js';
import type { VigieEvent } from '../contracts/event.js';
import type { NormBoxLTWH } from '../contracts/geometry.js';
import type { ActiveSignal, Details, EndedSignal, InstantSignal, RuleMeta, RuleSignal } from '../rules/types.js';
import { cooldownExpired, withinCooldown } from './cooldown.js';
import { BOX_DECIMALS, TIME_DECIMALS, formatBox, isoTimeAt, roundTo } from './format.js';

export const EVENT_CHANGE_KINDS = ['opened', 'updated', 'closed'] as const;
export type EventChangeKind = (typeof EVENT_CHANGE_KINDS)[number];

/**
 * One change of one event. Every event is `opened` once; `updated` while it lasts
 * (also when a recurrence within the cooldown reopens or extends it); `closed` when
 * it stops. The latest change of an id always carries the event's current state.
 */
export interface EventChange {
  readonly kind: EventChangeKind;
  readonly event: VigieEvent;
}

export type EventListener = (change: EventChange) => void;

/** Default stream seconds between two `updated` reports of one open event. */
export const DEFAULT_UPDATE_INTERVAL_S = 1;
/** Closed events remembered per rule for cooldown merging, at most. */
export const MAX_COOLING_PER_RULE = 10_000;

export interface EventLifecycleOptions {
  /** Camera id written into every event. */
  readonly camera: string;
  /** Identity and policy (severity, cooldown) of every rule whose signals come in. */
  readonly rules: readonly RuleMeta[];
  /** Wall-clock time (ms since epoch, UTC) of stream time 0: `start_time` = base + start. */
  readonly baseWallMs: number;
  /** Event id source; default crypto.randomUUID. */
  readonly newId?: () => string;
  /** Least stream seconds between two `updated` reports of an open event; 0 reports every frame. */
  readonly updateIntervalS?: number;
}

export interface EventLifecycle {
  /** Applies one frame's signals (stream time `tSec`) and returns the changes, also sent to listeners. */
  ingest(signals: readonly RuleSignal[], tSec: number): readonly EventChange[];
  /** End of stream: closes every open event and forgets closed ones. */
  flush(tSec: number): readonly EventChange[];
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void;
  /** Number of open events and of closed events still within their cooldown. */
  size(): { readonly open: number; readonly cooling: number };
}

/** Everything known about one event while it may still change. */
interface Situation {
  readonly id: string;
  readonly meta: RuleMeta;
  readonly trackId: number;
  /** Tracks involved, as the latest signal listed them. */
  trackIds: readonly number[];
  readonly start: number;
  readonly startTime: string;
  /** Last time the situation was seen (the event's end once closed). */
  last: number;
  open: boolean;
  instant: boolean;
  classes: ObjectClass[];
  box: NormBoxLTWH;
  score: number;
  details: Details;
  occurrences: number;
  lastReportS: number;
}

/**
 * Turns rule signals into events (ARCHITECTURE 5.3) with the open / update / close
 * lifecycle and per-(rule, track) cooldown merging. Time is the stream's own
 * (`tSec`); wall time only enters through `baseWallMs`.
 */
export function createEventLifecycle(options: EventLifecycleOptions): EventLifecycle {
  const newId = options.newId ?? randomUUID;
  const updateIntervalS = options.updateIntervalS ?? DEFAULT_UPDATE_INTERVAL_S;
  const metas = new Map(options.rules.map((m) => [m.id, m]));
  const open = new Map<string, Situation>();
  /** Closed events per rule, by track, in closing order (oldest first). */
  const cooling = new Map<string, Map<number, Situation>>();
  const listeners = new Set<EventListener>();

  function metaOf(ruleId: string): RuleMeta {
    const meta = metas.get(ruleId);
    if (!meta) throw new Error(`signal from unknown rule "${ruleId}": pass its RuleMeta in EventLifecycleOptions.rules`);
    return meta;
  }

  function toEvent(s: Situation): VigieEvent {
    return Object.freeze({
      id: s.id,
      camera: options.camera,
      rule: s.meta.id,
      type: s.meta.type,
      severity: s.meta.severity,
      start: roundTo(s.start, TIME_DECIMALS),
      end: s.open ? null : roundTo(s.last, TIME_DECIMALS),
      start_time: s.startTime,
      track_ids: Object.freeze([...s.trackIds]),
      classes: Object.freeze([...s.classes]),
      box: formatBox(s.box),
      score: roundTo(s.score, BOX_DECIMALS),
      snapshot: null,
      clip: null,
      details: Object.freeze({
        ...s.details,
        ...(s.instant ? { occurrences: s.occurrences } : {}),
        // Shadow events are kept to measure a rule; this mark keeps them away from operators.
        ...(s.meta.mode === 'shadow' ? { shadow: true } : {}),
      }),
    });
  }

  function report(out: EventChange[], kind: EventChangeKind, s: Situation, tSec: number): void {
    s.lastReportS = tSec;
    out.push({ kind, event: toEvent(s) });
  }

  function absorb(s: Situation, sig: ActiveSignal | InstantSignal): void {
    s.last = Math.max(s.last, sig.tSec);
    s.box = sig.box;
    if (sig.trackIds) s.trackIds = mergeIds(s.trackIds, sig.trackIds);
    s.score = Math.max(s.score, sig.score);
    if (!s.classes.includes(sig.cls)) s.classes.push(sig.cls);
    s.details = { ...s.details, ...sig.details };
  }

  function create(sig: ActiveSignal | InstantSignal, meta: RuleMeta): Situation {
    return {
      id: newId(),
      meta,
      trackId: sig.trackId,
      trackIds: sig.trackIds ? sig.trackIds.slice(0, MAX_EVENT_TRACK_IDS) : [sig.trackId],
      start: sig.tSec,
      startTime: isoTimeAt(options.baseWallMs, sig.tSec),
      last: sig.tSec,
      open: sig.kind === 'situation.active',
      instant: sig.kind === 'instant',
      classes: [sig.cls],
      box: sig.box,
      score: sig.score,
      details: sig.details,
      occurrences: 1,
      lastReportS: sig.tSec,
    };
  }

  /** Takes the closed event of this rule and track back out of cooling if the cooldown allows. */
  function takeCooling(meta: RuleMeta, trackId: number, tSec: number): Situation | undefined {
    const byTrack = cooling.get(meta.id);
    const s = byTrack?.get(trackId);
    if (!byTrack || !s) return undefined;
    byTrack.delete(trackId);
    return withinCooldown(s.last, tSec, meta.cooldownS) ? s : undefined;
  }

  function putCooling(s: Situation): void {
    if (s.meta.cooldownS <= 0) return;
    let byTrack = cooling.get(s.meta.id);
    if (!byTrack) {
      byTrack = new Map();
      cooling.set(s.meta.id, byTrack);
    }
    byTrack.delete(s.trackId);
    byTrack.set(s.trackId, s);
    while (byTrack.size > MAX_COOLING_PER_RULE) {
      const oldest = byTrack.keys().next();
      if (oldest.done) break;
      byTrack.delete(oldest.value);
    }
  }

  function expireCooling(tSec: number): void {
    for (const [ruleId, byTrack] of cooling) {
      // Closing order is nearly end order, so stop at the first one still cooling.
      for (const [trackId, s] of byTrack) {
        if (!cooldownExpired(s.last, tSec, s.meta.cooldownS)) break;
        byTrack.delete(trackId);
      }
      if (byTrack.size === 0) cooling.delete(ruleId);
    }
  }

  function onActive(sig: ActiveSignal, out: EventChange[]): void {
    const meta = metaOf(sig.ruleId);
    const key = keyOf(sig.ruleId, sig.trackId);
    const current = open.get(key);
    if (current) {
      absorb(current, sig);
      if (sig.tSec - current.lastReportS >= updateIntervalS) report(out, 'updated', current, sig.tSec);
      return;
    }
    const reopened = takeCooling(meta, sig.trackId, sig.tSec);
    if (reopened && !reopened.instant) {
      reopened.open = true;
      absorb(reopened, sig);
      open.set(key, reopened);
      report(out, 'updated', reopened, sig.tSec);
      return;
    }
    const s = create(sig, meta);
    open.set(key, s);
    report(out, 'opened', s, sig.tSec);
  }

  function onEnded(sig: EndedSignal, out: EventChange[]): void {
    const key = keyOf(sig.ruleId, sig.trackId);
    const s = open.get(key);
    if (!s) return;
    open.delete(key);
    s.open = false;
    report(out, 'closed', s, sig.tSec);
    putCooling(s);
  }

  function onInstant(sig: InstantSignal, out: EventChange[]): void {
    const meta = metaOf(sig.ruleId);
    const previous = takeCooling(meta, sig.trackId, sig.tSec);
    if (previous?.instant) {
      absorb(previous, sig);
      previous.occurrences += 1;
      report(out, 'updated', previous, sig.tSec);
      report(out, 'closed', previous, sig.tSec);
      putCooling(previous);
      return;
    }
    const s = create(sig, meta);
    report(out, 'opened', s, sig.tSec);
    report(out, 'closed', s, sig.tSec);
    putCooling(s);
  }

  function emit(changes: readonly EventChange[]): void {
    for (const change of changes) for (const listener of listeners) listener(change);
  }

  return {
    ingest(signals, tSec) {
      expireCooling(tSec);
      const out: EventChange[] = [];
      for (const sig of signals) {
        switch (sig.kind) {
          case 'situation.active':
            onActive(sig, out);
            break;
          case 'situation.ended':
            onEnded(sig, out);
            break;
          case 'instant':
            onInstant(sig, out);
            break;
          default:
            return unreachable(sig);
        }
      }
      emit(out);
      return out;
    },
    flush(tSec) {
      const out: EventChange[] = [];
      for (const s of open.values()) {
        s.open = false;
        s.last = Math.min(s.last, tSec);
        report(out, 'closed', s, tSec);
      }
      open.clear();
      cooling.clear();
      emit(out);
      return out;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    size() {
      let coolingCount = 0;
      for (const byTrack of cooling.values()) coolingCount += byTrack.size;
      return { open: open.size, cooling: coolingCount };
    },
  };
}

/** Most track ids one event lists (a crowd of hundreds must not grow an event without bound). */
export const MAX_EVENT_TRACK_IDS = 64;

/** Ids of both lists, each once, in first-seen order (a gathering keeps every member it had), capped. */
function mergeIds(known: readonly number[], seen: readonly number[]): readonly number[] {
  if (known.length >= MAX_EVENT_TRACK_IDS) return known;
  const missing = seen.filter((id) => !known.includes(id));
  return missing.length === 0 ? known : [...known, ...missing].slice(0, MAX_EVENT_TRACK_IDS);
}

function keyOf(ruleId: string, trackId: number): string {
  return `${ruleId}\u0000${trackId}`;
}

function unreachable(x: never): never {
  throw new Error(`unknown signal: ${JSON.stringify(x)}`);
}
