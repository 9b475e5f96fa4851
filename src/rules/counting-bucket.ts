import type { ObjectClass } from '../contracts/classes.js';
import type { CrossingDirection } from './line-side.js';
import type { CountRecord } from './types.js';

/** Crossings of one line by one class in one direction, so far in the bucket. */
interface CrossingTally {
  readonly line: string;
  readonly cls: ObjectClass;
  readonly direction: CrossingDirection;
  readonly count: number;
}

/** Tracks inside one zone of one class, summed over the bucket's frames, and the most at once. */
interface OccupancyTally {
  readonly zone: string;
  readonly cls: ObjectClass;
  readonly sum: number;
  readonly peak: number;
}

/**
 * The open bucket of a counting rule: what it has counted since `startMs`.
 * Immutable; its size is bounded by lines x classes x 2 + zones x classes,
 * whatever the number of tracks.
 */
export interface CountBucket {
  readonly startMs: number;
  /** Frames analysed in this bucket (the denominator of occupancy means). */
  readonly frames: number;
  readonly crossings: ReadonlyMap<string, CrossingTally>;
  readonly occupancy: ReadonlyMap<string, OccupancyTally>;
}

/** One crossing confirmed in a frame. */
export interface Crossing {
  readonly line: string;
  readonly cls: ObjectClass;
  readonly direction: CrossingDirection;
}

/** Tracks inside one zone of one class in one frame. */
export interface ZoneHeadcount {
  readonly zone: string;
  readonly cls: ObjectClass;
  readonly n: number;
}

/** Start (ms) of the bucket of `bucketS` seconds, aligned on multiples of it since the epoch, that holds `wallMs`. */
export function bucketStartOf(wallMs: number, bucketS: number): number {
  const size = bucketS * 1000;
  return Math.floor(wallMs / size) * size;
}

const keyOf = (target: string, cls: string, direction = ''): string => `${target}\u0000${cls}\u0000${direction}`;

/**
 * An empty bucket. `zeroes` are the zone/class pairs reported even when nothing
 * was inside (the rule's named classes): a part of a bucket with nobody inside
 * still carries its frames, so merged means stay exact.
 */
export function openBucket(startMs: number, zeroes: readonly { readonly zone: string; readonly cls: ObjectClass }[]): CountBucket {
  const occupancy = new Map<string, OccupancyTally>();
  for (const { zone, cls } of zeroes) occupancy.set(keyOf(zone, cls), { zone, cls, sum: 0, peak: 0 });
  return { startMs, frames: 0, crossings: new Map(), occupancy };
}

/** The bucket after one more frame with these crossings and headcounts (zone/class pairs absent from `headcounts` had nobody inside). */
export function addFrame(bucket: CountBucket, crossings: readonly Crossing[], headcounts: readonly ZoneHeadcount[]): CountBucket {
  let nextCrossings = bucket.crossings;
  if (crossings.length > 0) {
    const copy = new Map(bucket.crossings);
    for (const c of crossings) {
      const key = keyOf(c.line, c.cls, c.direction);
      copy.set(key, { ...c, count: (copy.get(key)?.count ?? 0) + 1 });
    }
    nextCrossings = copy;
  }
  let nextOccupancy = bucket.occupancy;
  if (headcounts.length > 0) {
    const copy = new Map(bucket.occupancy);
    for (const h of headcounts) {
      const key = keyOf(h.zone, h.cls);
      const prev = copy.get(key);
      copy.set(key, { zone: h.zone, cls: h.cls, sum: (prev?.sum ?? 0) + h.n, peak: Math.max(prev?.peak ?? 0, h.n) });
    }
    nextOccupancy = copy;
  }
  return { startMs: bucket.startMs, frames: bucket.frames + 1, crossings: nextCrossings, occupancy: nextOccupancy };
}

/** The bucket as count records: one per line/class/direction crossed, one per zone/class tallied. */
export function bucketRecords(bucket: CountBucket, ruleId: string, bucketS: number): CountRecord[] {
  const base = { ruleId, bucketStartMs: bucket.startMs, bucketS, frames: bucket.frames };
  const records: CountRecord[] = [];
  for (const c of bucket.crossings.values()) {
    records.push({ ...base, kind: 'crossing', target: c.line, cls: c.cls, direction: c.direction, value: c.count, peak: c.count });
  }
  for (const o of bucket.occupancy.values()) {
    records.push({ ...base, kind: 'occupancy', target: o.zone, cls: o.cls, direction: null, value: bucket.frames > 0 ? o.sum / bucket.frames : 0, peak: o.peak });
  }
  return records;
}
