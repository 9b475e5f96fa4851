import { describe, expect, it } from 'vitest';
import type { MotRow } from '../../src/eval/mot-io.js';
import { createMotAccumulator, evaluateMot, formatMotTable } from '../../src/eval/mot-metrics.js';

/** A 10x10 box at (x, 0); boxes at different x (>= 10 apart) never overlap. */
function row(frame: number, id: number, x: number, conf = 1, height = 10): MotRow {
  return { frame, id, left: x, top: 0, width: 10, height, conf, x: -1, y: -1, z: -1 };
}

describe('CLEAR-MOT and identity metrics on hand-worked cases', () => {
  it('counts an identity switch, a false positive, a miss and a fragmentation', () => {
    // Ground truth: object 1 at x=0 and object 2 at x=100, frames 1-4 (8 boxes).
    const gt = [1, 2, 3, 4].flatMap((f) => [row(f, 1, 0), row(f, 2, 100)]);
    const res = [
      row(1, 10, 0), row(1, 20, 100),
      row(2, 10, 0), row(2, 20, 100), row(2, 30, 500), // 30: on nobody -> FP
      row(3, 11, 0), //                                   object 1 now followed by 11 -> IDSW; object 2 missed -> FN
      row(4, 11, 0), row(4, 20, 100), //                  object 2 found again by 20: no switch, but a fragmentation
    ];
    const m = evaluateMot(gt, res);
    // 7 matches out of 8 gt boxes and 8 result boxes.
    expect(m).toMatchObject({ numGt: 8, numRes: 8, matches: 7, fp: 1, fn: 1, idSwitches: 1, fragmentations: 1 });
    expect(m.mota).toBeCloseTo(1 - 3 / 8, 12); // 1 - (FN + FP + IDSW) / GT
    expect(m.motp).toBeCloseTo(1, 12); // boxes are exact
    expect(m.precision).toBeCloseTo(7 / 8, 12);
    expect(m.recall).toBeCloseTo(7 / 8, 12);
    // Object 1 matched 4/4 (mostly tracked), object 2 3/4 = 75% (partially tracked).
    expect(m).toMatchObject({ gtTracks: 2, mostlyTracked: 1, partiallyTracked: 1, mostlyLost: 0, resTracks: 4 });
    // Identity: co-occurrences (1,10)=2, (1,11)=2, (2,20)=3; best one-to-one pairing 1-10 (or 1-11) and 2-20: IDTP = 5.
    expect(m).toMatchObject({ idtp: 5, idfp: 3, idfn: 3 });
    expect(m.idf1).toBeCloseTo(10 / 16, 12);
  });

  it('IDF1 charges a swap for the frames after it; CLEAR charges two switches at it', () => {
    // Two objects far apart, frames 1-4; the tracker swaps its two ids at frame 4.
    const gt = [1, 2, 3, 4].flatMap((f) => [row(f, 1, 0), row(f, 2, 100)]);
    const res = [1, 2, 3].flatMap((f) => [row(f, 10, 0), row(f, 20, 100)]).concat([row(4, 20, 0), row(4, 10, 100)]);
    const m = evaluateMot(gt, res);
    expect(m.idSwitches).toBe(2);
    expect(m.mota).toBeCloseTo(1 - 2 / 8, 12);
    // Co-occurrences (1,10)=3, (2,20)=3, (1,20)=1, (2,10)=1 -> IDTP = 6, IDF1 = 2*6 / (8 + 8).
    expect(m.idtp).toBe(6);
    expect(m.idf1).toBeCloseTo(0.75, 12);
    // HOTA: DetA = 1 (every box found exactly). Global alignment favours 1-10 and 2-20, so frame 4
    // still matches 1-20 and 2-10 (the only overlapping pairs). Association per TP:
    // pair (1,10): 3 TPs of 3 / (4 + 4 - 3) = 0.6; pair (1,20): 1 TP of 1 / (4 + 4 - 1) = 1/7; same for 2.
    // AssA = (2 * 3 * 0.6 + 2 * 1 * 1/7) / 8 = 0.4857; HOTA = sqrt(1 * AssA) = 0.6969, at every alpha.
    expect(m.hota?.detA).toBeCloseTo(1, 12);
    expect(m.hota?.assA).toBeCloseTo((3.6 + 2 / 7) / 8, 12);
    expect(m.hota?.hota).toBeCloseTo(Math.sqrt((3.6 + 2 / 7) / 8), 12);
    expect(m.hota?.locA).toBeCloseTo(1, 12);
  });

  it('keeps a previous correspondence while IoU >= 0.5 even if another result fits better', () => {
    // Frame 2: result 10 (IoU 100/120 = 0.833) still matches, result 11 (IoU 1) is a false positive.
    const gt = [row(1, 1, 0), row(2, 1, 0)];
    const res = [row(1, 10, 0), row(2, 10, 0, 1, 12), row(2, 11, 0)];
    const m = evaluateMot(gt, res);
    expect(m).toMatchObject({ matches: 2, idSwitches: 0, fp: 1, fn: 0 });
    expect(m.motp).toBeCloseTo((1 + 100 / 120) / 2, 12);
  });

  it('counts a switch against the last matched id even after frames unmatched', () => {
    const gt = [1, 2, 3].map((f) => row(f, 1, 0));
    const res = [row(1, 10, 0), row(3, 11, 0)];
    expect(evaluateMot(gt, res)).toMatchObject({ idSwitches: 1, fn: 1, fragmentations: 1 });
  });

  it('matches at IoU exactly 0.5 but not below', () => {
    // Box 10x10 vs 10x20 at the same corner: IoU = 100 / 200 = 0.5.
    expect(evaluateMot([row(1, 1, 0)], [row(1, 10, 0, 1, 20)]).matches).toBe(1);
    expect(evaluateMot([row(1, 1, 0)], [row(1, 10, 0, 1, 20.5)]).matches).toBe(0);
    expect(evaluateMot([row(1, 1, 0)], [row(1, 10, 0, 1, 20.5)], { iouThreshold: 0.4 }).matches).toBe(1);
  });

  it.each([
    // Object 1 scored, object 2 marked conf 0; a result on each.
    ['drop', { numGt: 1, numRes: 2, fp: 1, mota: 0 }], //   MOT15: the result on object 2 is a false positive
    ['ignore', { numGt: 1, numRes: 1, fp: 0, mota: 1 }], // MOT16+: the result on object 2 is not scored
    ['keep', { numGt: 2, numRes: 2, fp: 0, mota: 1 }], //   conf ignored
  ] as const)('handles conf-0 ground truth with policy %s', (policy, expected) => {
    const gt = [row(1, 1, 0), row(1, 2, 100, 0)];
    const res = [row(1, 10, 0), row(1, 20, 100)];
    expect(evaluateMot(gt, res, { zeroMarkedGt: policy })).toMatchObject(expected);
  });

  it('gives perfect scores to the ground truth itself and zero to an empty output', () => {
    const gt = [1, 2, 3].flatMap((f) => [row(f, 1, 0), row(f, 2, 50 + f)]);
    const perfect = evaluateMot(gt, gt);
    expect(perfect).toMatchObject({ mota: 1, idf1: 1, precision: 1, recall: 1, idSwitches: 0 });
    expect(perfect.hota?.hota).toBeCloseTo(1, 12);
    const empty = evaluateMot(gt, []);
    expect(empty).toMatchObject({ mota: 0, idf1: 0, recall: 0, fn: 6, mostlyLost: 2 });
    expect(empty.hota?.hota).toBe(0);
  });

  it('streams: frames must increase, duplicate ids in a frame are rejected', () => {
    const acc = createMotAccumulator({ hota: false });
    acc.update(2, [row(2, 1, 0)], []);
    expect(() => acc.update(2, [], [])).toThrow(/increase/);
    expect(() => acc.update(3, [row(3, 1, 0), row(3, 1, 50)], [])).toThrow(/id 1 appears twice in frame 3/);
    expect(acc.compute().hota).toBeNull();
  });

  it('prints a table', () => {
    const gt = [row(1, 1, 0)];
    expect(formatMotTable(evaluateMot(gt, gt), 'x')).toMatch(/MOTA\s+IDF1[\s\S]*x\s+100\.0\s+100\.0/);
  });
});
