/**
 * Who was there when a pixel changed: the people and vehicles near new
 * foreground as it appeared, and where each of them was last seen. The static
 * regions use it to tell "a person sitting still (perhaps no longer tracked)"
 * from "an object a person put down and walked away from".
 */
import { VEHICLE_CLASSES, type ObjectClass } from '../../contracts/classes.js';
import type { TrackFrame } from '../../contracts/track.js';

/** A pixel takes as owner a person or vehicle seen on it up to this many seconds after it changed. */
export const OWNER_WINDOW_S = 3;
/** Track boxes are widened by this share of their width on each side ("next to"). */
const NEAR_MARGIN = 0.25;
/** A track is still below this speed, in box heights per second. */
const STILL_SPEED_HEIGHTS_PER_S = 0.25;
/** Tracks last seen longer ago than this are forgotten. */
const TRACK_MEMORY_S = 900;
/** At most this many tracks are remembered (least recently seen dropped). */
const TRACK_MEMORY_MAX = 256;

/** A box in small-frame pixels, as inclusive-exclusive corners. */
export interface SmallBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface OwnerTrack {
  readonly cls: ObjectClass;
  /** Last box, in small-frame pixels. */
  readonly box: SmallBox;
  readonly lastSeenS: number;
  /** Seen in the latest frame. */
  readonly present: boolean;
  readonly still: boolean;
}

export function isPersonOrVehicle(cls: ObjectClass): boolean {
  return cls === 'person' || VEHICLE_CLASSES.includes(cls);
}

export class StaticOwners {
  /** Per pixel: id of the person or vehicle track that was there when it changed; -1 none. */
  readonly owner: Int32Array;
  private readonly tracks = new Map<number, OwnerTrack>();
  private lastS: number | null = null;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.owner = new Int32Array(width * height).fill(-1);
  }

  /** A remembered person or vehicle track. */
  track(id: number): OwnerTrack | undefined {
    return this.tracks.get(id);
  }

  /** People and vehicles of the latest frame. */
  *present(): Iterable<OwnerTrack> {
    for (const t of this.tracks.values()) if (t.present) yield t;
  }

  /**
   * Records the frame's people and vehicles, and gives an owner to foreground
   * pixels that changed at most OWNER_WINDOW_S ago under (or next to) one of them.
   */
  update(tracks: TrackFrame, foreground: Uint8Array, foregroundSince: Float32Array, tSec: number): void {
    const dt = this.lastS === null ? 0 : tSec - this.lastS;
    this.lastS = tSec;
    const owner = this.owner;
    for (let i = 0; i < owner.length; i++) if (foreground[i] === 0) owner[i] = -1;
    for (const [id, t] of this.tracks) {
      if (tSec - t.lastSeenS > TRACK_MEMORY_S) this.tracks.delete(id);
      else if (t.present) this.tracks.set(id, { ...t, present: false });
    }
    const sx = this.width / tracks.width;
    const sy = this.height / tracks.height;
    for (const t of tracks.tracks) {
      if (!isPersonOrVehicle(t.cls)) continue;
      const [x1, y1, x2, y2] = t.box;
      const box = { x0: x1 * sx, y0: y1 * sy, x1: x2 * sx, y1: y2 * sy };
      const heightPx = Math.max(1, y2 - y1);
      const speed = dt > 0 ? Math.hypot(t.velocity[0], t.velocity[1]) / dt / heightPx : 0;
      // Re-inserted so the map stays in least-recently-seen order.
      this.tracks.delete(t.id);
      this.tracks.set(t.id, { cls: t.cls, box, lastSeenS: tSec, present: true, still: speed < STILL_SPEED_HEIGHTS_PER_S });
      this.claim(t.id, box, foreground, foregroundSince, tSec);
    }
    while (this.tracks.size > TRACK_MEMORY_MAX) {
      const oldest = this.tracks.keys().next().value as number;
      this.tracks.delete(oldest);
    }
  }

  private claim(id: number, box: SmallBox, foreground: Uint8Array, foregroundSince: Float32Array, tSec: number): void {
    const near = widenNear(box);
    const x0 = Math.max(0, Math.floor(near.x0));
    const x1 = Math.min(this.width, Math.ceil(near.x1));
    const y0 = Math.max(0, Math.floor(near.y0));
    const y1 = Math.min(this.height, Math.ceil(near.y1));
    const owner = this.owner;
    for (let y = y0; y < y1; y++) {
      for (let i = y * this.width + x0, end = y * this.width + x1; i < end; i++) {
        if (foreground[i] === 1 && owner[i] === -1 && tSec - foregroundSince[i]! <= OWNER_WINDOW_S) owner[i] = id;
      }
    }
  }
}

/** The box and what is "next to" it: widened on both sides and below (a bag at someone's feet). */
export function widenNear(b: SmallBox): SmallBox {
  const m = (b.x1 - b.x0) * NEAR_MARGIN;
  return { x0: b.x0 - m, y0: b.y0, x1: b.x1 + m, y1: b.y1 + m };
}

/** Share of box `a`'s area that lies inside box `b`. */
export function shareInside(a: SmallBox, b: SmallBox): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  const area = (a.x1 - a.x0) * (a.y1 - a.y0);
  return area > 0 ? (w * h) / area : 0;
}

export function boxArea(b: SmallBox): number {
  return Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);
}
