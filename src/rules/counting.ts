import type { ObjectClass } from '../contracts/classes.js';
import type { TrackFrame } from '../contracts/track.js';
import { COUNT_BUCKET_S } from '../config/rules/counting.js';
import type { CountingRuleConfig } from '../config/schema.js';
import { anchorPoint } from '../geometry/anchor.js';
import { pointInPolygon } from '../geometry/polygon.js';
import { classMatcher } from './class-filter.js';
import { addFrame, bucketRecords, bucketStartOf, openBucket, type CountBucket, type Crossing, type ZoneHeadcount } from './counting-bucket.js';
import { firstLineSide, stepLineSide, type LineSide } from './line-side.js';
import { findLine, findZone } from './scene.js';
import { ABSENT_GRACE_S, MAX_TRACKED_PER_RULE, capTable, carryAbsent, liveTracks } from './track-table.js';
import { NO_CONTEXT, type CountRecord, type RuleScene, type Statistic } from './types.js';

/** Per-track memory: where its anchor is relative to each counted line (index = the rule's `lines`). */
interface CountingTrack {
  readonly lastSeenS: number;
  readonly sides: readonly LineSide[];
}

export interface CountingState {
  /** Only while the rule counts lines; dropped when a track ends, capped like every rule's table. */
  readonly tracks: ReadonlyMap<number, CountingTrack>;
  /** The bucket being counted; null before the first frame. */
  readonly bucket: CountBucket | null;
}

const dropQuietly = (): void => undefined;

/**
 * `counting`: anonymous statistics per 5-minute bucket of wall-clock time.
 * Crossings of each line per class and direction, confirmed exactly as
 * line_crossing confirms them (hysteresis, segment extent); occupancy of each
 * zone per class as the mean and the peak number of tracks whose anchor is
 * inside, over the bucket's analysed frames. A bucket closes, and its counts
 * are returned, on the first frame whose wall time is in another bucket;
 * `flush` returns the open bucket's partial counts. Never a signal, never a
 * track id in its output.
 */
export function createCountingStatistic(config: CountingRuleConfig, scene: RuleScene): Statistic<CountingState> {
  const lines = config.lines.map((id) => findLine(scene, config.id, id));
  const zones = config.zones.map((id) => findZone(scene, config.id, id));
  const matches = classMatcher(config.classes);
  const named = config.classes.filter((c): c is ObjectClass => c !== 'any');
  const zeroes = zones.flatMap((z) => named.map((cls) => ({ zone: z.id, cls })));
  const h = config.hysteresis;

  /** Moves every live track's line memory to this frame; returns the crossings it confirmed. */
  function followTracks(previous: ReadonlyMap<number, CountingTrack>, frame: TrackFrame, crossings: Crossing[]): ReadonlyMap<number, CountingTrack> {
    if (lines.length === 0) return previous;
    const next = carryAbsent(previous, frame, ABSENT_GRACE_S, dropQuietly);
    for (const t of liveTracks(frame)) {
      const p = anchorPoint(t.box, frame, config.anchor, t.cls);
      const prev = previous.get(t.id);
      const sides = lines.map((line, i) => {
        const memory = prev?.sides[i];
        if (!memory) return firstLineSide(p, line, h);
        const step = stepLineSide(memory, p, line, h);
        if (step.crossed && matches(t.cls)) crossings.push({ line: line.id, cls: t.cls, direction: step.crossed });
        return step.memory;
      });
      next.set(t.id, { lastSeenS: frame.tSec, sides });
    }
    return capTable(next, MAX_TRACKED_PER_RULE, dropQuietly);
  }

  /** Tracks of each counted class whose anchor is inside each zone in this frame (pairs with nobody inside are left out). */
  function headcounts(frame: TrackFrame): ZoneHeadcount[] {
    if (zones.length === 0) return [];
    const out: ZoneHeadcount[] = [];
    const tracks = liveTracks(frame).filter((t) => matches(t.cls));
    for (const zone of zones) {
      const perClass = new Map<ObjectClass, number>();
      for (const t of tracks) {
        if (pointInPolygon(anchorPoint(t.box, frame, config.anchor, t.cls), zone.polygon)) perClass.set(t.cls, (perClass.get(t.cls) ?? 0) + 1);
      }
      for (const [cls, n] of perClass) out.push({ zone: zone.id, cls, n });
    }
    return out;
  }

  return {
    id: config.id,
    init: () => ({ tracks: new Map(), bucket: null }),
    evaluate(state, frame, context = NO_CONTEXT) {
      const startMs = bucketStartOf(context.wallMs, COUNT_BUCKET_S);
      let counts: readonly CountRecord[] = [];
      let bucket = state.bucket;
      if (bucket && bucket.startMs !== startMs) {
        counts = bucketRecords(bucket, config.id, COUNT_BUCKET_S);
        bucket = null;
      }
      const crossings: Crossing[] = [];
      const tracks = followTracks(state.tracks, frame, crossings);
      bucket = addFrame(bucket ?? openBucket(startMs, zeroes), crossings, headcounts(frame));
      return { state: { tracks, bucket }, counts };
    },
    flush: (state) => (state.bucket ? bucketRecords(state.bucket, config.id, COUNT_BUCKET_S) : []),
  };
}
