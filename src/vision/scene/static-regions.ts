/**
 * Turns the mask of new static pixels into regions with ids that persist from
 * frame to frame (box overlap), and decides which of them are things rather
 * than people or vehicles.
 *
 * A region is left out (not an object) while:
 * - a still person or vehicle track covers most of it; or
 * - the person or vehicle that was there when it appeared (its owner) is still
 *   on it, or was last seen on it and the region is as big as a good part of
 *   that box (a person sitting or lying still whose track was lost).
 * Once the owner is seen away from it, the region is an object left behind
 * (`personLeft` when the owner is a person). A region is reported only once
 * its area has held for a second and it has been found not to be a ghost
 * (static-ghost.ts); a ghost is absorbed into the long-term background at once.
 */
import { ComponentStats, labelComponents } from '../motion/components.js';
import { dilate3x3, erode3x3 } from '../motion/morphology.js';
import { isGhost } from './static-ghost.js';
import type { StaticPixelModel } from './static-model.js';
import { boxArea, shareInside, widenNear, type OwnerTrack, type SmallBox, type StaticOwners } from './static-owners.js';
import type { SmallFrame, StaticRegion } from './types.js';

/** A region is checked for being a ghost once its area has held within this share... */
const STABLE_AREA_CHANGE = 0.15;
/** ...for this many seconds; it is not reported before. */
const STABLE_FOR_S = 1;
/** A checked region that grows past this factor of its checked area is checked again. */
const RECHECK_GROWTH = 1.5;
/** Smallest region, in small-frame pixels. */
const MIN_REGION_PIXELS = 4;
const MAX_REGIONS = 64;
/** A region keeps the id of a previous one covering at least this share of the smaller box. */
const SAME_REGION_OVERLAP = 0.5;
/** Share of a region a still track must cover to be what the region is. */
const COVERED_BY_TRACK = 0.5;
/** Share of a region's pixels its owner must have claimed. */
const OWNED_SHARE = 0.3;
/** A region nearer its owner's box than this share of overlap is still with its owner. */
const WITH_OWNER_OVERLAP = 0.2;
/** A region at least this share of its lost owner's box is that person or vehicle, not a thing. */
const OWNER_SIZED = 0.3;

interface TrackedRegion extends SmallBox {
  readonly id: number;
  readonly staticSinceS: number;
  readonly personLeft: boolean;
  readonly ownerId: number;
  readonly area: number;
  /** Since when the area has held (within STABLE_AREA_CHANGE). */
  readonly stableSinceS: number;
  /** Area at which the region was found not to be a ghost; 0 = not checked yet. */
  readonly checkedArea: number;
}

export class StaticRegionTracker {
  /** New static cells of objects (people and vehicles removed), 0/1. */
  readonly cells: Uint8Array;
  private readonly mask: Uint8Array;
  private readonly tmp: Uint8Array;
  private readonly stack: Int32Array;
  private readonly stats = new ComponentStats(MAX_REGIONS);
  private readonly ownerVotes = new Map<number, number>();
  private previous: TrackedRegion[] = [];
  private nextId = 1;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    const n = width * height;
    this.cells = new Uint8Array(n);
    this.mask = new Uint8Array(n);
    this.tmp = new Uint8Array(n);
    this.stack = new Int32Array(n);
  }

  /** Forgets every region (after a re-baseline of the model). */
  reset(): void {
    this.previous = [];
    this.cells.fill(0);
  }

  update(model: StaticPixelModel, frame: SmallFrame, owners: StaticOwners, tSec: number): StaticRegion[] {
    const { width, height, mask, tmp, stats } = this;
    const { staticSince, foreground } = model;
    for (let i = 0; i < mask.length; i++) mask[i] = foreground[i] === 1 && staticSince[i]! >= 0 ? 1 : 0;
    // Opening: the one-pixel rims a moving shadow or a compression artefact leaves are not objects.
    erode3x3(mask, mask, tmp, width, height);
    dilate3x3(mask, mask, tmp, width, height);
    this.cells.set(mask);
    labelComponents(mask, width, height, MIN_REGION_PIXELS, this.stack, stats);
    const present = [...owners.present()].filter((t) => t.still);
    const next: TrackedRegion[] = [];
    const out: StaticRegion[] = [];
    for (let c = 0; c < stats.count; c++) {
      const box = { x0: stats.minX[c]!, y0: stats.minY[c]!, x1: stats.maxX[c]! + 1, y1: stats.maxY[c]! + 1 };
      const area = stats.area[c]!;
      const { meanSinceS, ownerId } = this.inspect(box, area, staticSince, owners.owner);
      const match = this.match(box);
      const stableSinceS = match && Math.abs(area - match.area) <= STABLE_AREA_CHANGE * match.area ? match.stableSinceS : tSec;
      let checkedArea = match?.checkedArea ?? 0;
      if (checkedArea === 0 || area > RECHECK_GROWTH * checkedArea) {
        if (tSec - stableSinceS >= STABLE_FOR_S) {
          if (isGhost(this.cells, box, width, height, frame.grey, model.longGreyQ8)) {
            // Background revealed, not a thing: learnt at once.
            model.absorb(frame, this.cells, box);
            this.clearCells(box);
            continue;
          }
          checkedArea = area;
        }
      }
      // The owner found when the region appeared sticks (a passer-by later is not its owner).
      const regionOwner = match && match.ownerId >= 0 ? match.ownerId : ownerId;
      const owner = regionOwner >= 0 ? owners.track(regionOwner) : undefined;
      const verdict = checkedArea === 0 ? 'unchecked' : classify(box, present, owner);
      const region: TrackedRegion = {
        ...box,
        id: match?.id ?? this.nextId++,
        staticSinceS: match ? Math.min(match.staticSinceS, meanSinceS) : meanSinceS,
        ownerId: regionOwner,
        personLeft: (match?.personLeft ?? false) || verdict === 'left-by-person',
        area,
        stableSinceS,
        checkedArea,
      };
      next.push(region);
      if (verdict === 'person-or-vehicle' || verdict === 'unchecked') {
        this.clearCells(box);
        continue;
      }
      out.push({
        id: region.id,
        box: [box.x0 / width, box.y0 / height, (box.x1 - box.x0) / width, (box.y1 - box.y0) / height],
        areaShare: area / (width * height),
        staticSinceS: region.staticSinceS,
        personLeft: region.personLeft,
      });
    }
    this.previous = next;
    return out;
  }

  /** Mean static time and the owner most of the region's pixels have (if enough do). */
  private inspect(box: SmallBox, area: number, staticSince: Float32Array, owner: Int32Array): { meanSinceS: number; ownerId: number } {
    const votes = this.ownerVotes;
    votes.clear();
    let sum = 0;
    let count = 0;
    for (let y = box.y0; y < box.y1; y++) {
      for (let i = y * this.width + box.x0, end = y * this.width + box.x1; i < end; i++) {
        if (this.mask[i] === 0 || staticSince[i]! < 0) continue;
        sum += staticSince[i]!;
        count++;
        const id = owner[i]!;
        if (id >= 0) votes.set(id, (votes.get(id) ?? 0) + 1);
      }
    }
    let ownerId = -1;
    let best = OWNED_SHARE * area;
    for (const [id, n] of votes) {
      if (n >= best) {
        best = n;
        ownerId = id;
      }
    }
    return { meanSinceS: count > 0 ? sum / count : 0, ownerId };
  }

  private match(box: SmallBox): TrackedRegion | undefined {
    let best: TrackedRegion | undefined;
    let bestOverlap = SAME_REGION_OVERLAP;
    for (const r of this.previous) {
      const smaller = boxArea(r) < boxArea(box) ? shareInside(r, box) : shareInside(box, r);
      if (smaller >= bestOverlap) {
        bestOverlap = smaller;
        best = r;
      }
    }
    return best;
  }

  private clearCells(box: SmallBox): void {
    for (let y = box.y0; y < box.y1; y++) this.cells.fill(0, y * this.width + box.x0, y * this.width + box.x1);
  }
}

type Verdict = 'person-or-vehicle' | 'object' | 'left-by-person' | 'unchecked';

function classify(box: SmallBox, stillTracks: readonly OwnerTrack[], owner: OwnerTrack | undefined): Verdict {
  if (stillTracks.some((t) => shareInside(box, t.box) >= COVERED_BY_TRACK)) return 'person-or-vehicle';
  if (!owner) return 'object';
  const withOwner = shareInside(box, widenNear(owner.box)) >= WITH_OWNER_OVERLAP;
  if (withOwner && owner.present) return 'person-or-vehicle';
  if (withOwner) {
    // Lost while on the region: the person (or vehicle) itself if the region is its size.
    return boxArea(box) >= OWNER_SIZED * boxArea(owner.box) ? 'person-or-vehicle' : 'object';
  }
  return owner.cls === 'person' ? 'left-by-person' : 'object';
}
