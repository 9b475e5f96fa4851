import { describe, expect, it } from 'vitest';
import { createBinOverflowRule } from '../../../src/rules/bin-overflow.js';
import type { StaticRegion } from '../../../src/vision/scene/types.js';
import { runRegions, staticContext } from '../../helpers/static-clips.js';
import { brief, ruleConfig, zone } from './scenario.js';

// A 20x10 grid; the bin zone covers cells x 10..19, y 5..9 (50 cells).
const GW = 20;
const GH = 10;
const scene = { zones: [zone({ id: 'bac', polygon: [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 1]] })], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createBinOverflowRule(ruleConfig({ id: 'b1', type: 'bin_overflow', zone: 'bac', min_duration_s: 60, min_fill: 0.2, ...extra }), scene);

/** A grid with `inside` cells set in the zone and, with `outside`, every cell left of it (x < 10). */
function grid(inside: number, outside = false): { width: number; height: number; cells: Uint8Array } {
  const cells = new Uint8Array(GW * GH);
  let n = 0;
  for (let y = 5; y < GH && n < inside; y++) for (let x = 10; x < GW && n < inside; x++, n++) cells[y * GW + x] = 1;
  if (outside) for (let y = 0; y < GH; y++) cells.fill(1, y * GW, y * GW + 10);
  return { width: GW, height: GH, cells };
}

const withGrid = (fills: Record<number, ReturnType<typeof grid>>) => (regions: readonly StaticRegion[]) => staticContext(regions, fills[regions.length] ?? grid(0));

describe('bin_overflow', () => {
  it('raises when the zone stays at least min_fill covered for min_duration_s, ends when it clears', () => {
    // runRegions passes the regions list; its length picks the grid: 0 = empty, 1 = 9 cells (18 %), 2 = 12 cells (24 %).
    const r = region0();
    const steps = [[0, r.none], [10, r.full], [69, r.full], [70, r.full], [80, r.some], [90, r.none]] as const;
    const signals = runRegions(rule(), steps, withGrid({ 0: grid(0), 1: grid(9), 2: grid(12) }));
    expect(signals.map(brief)).toEqual(['70 active #0', '80 ended #0 stopped']);
    expect(signals[0]).toMatchObject({ type: 'bin_overflow', cls: 'object', trackIds: [], box: [0.5, 0.5, 0.5, 0.5], details: { zone: 'bac', fill: 0.24 } });
  });

  it('a fill that dips below min_fill restarts the wait', () => {
    const r = region0();
    const signals = runRegions(rule(), [[0, r.full], [50, r.full], [51, r.some], [52, r.full], [100, r.full], [112, r.full]], withGrid({ 1: grid(9), 2: grid(12) }));
    expect(signals.map(brief)).toEqual(['112 active #0']);
  });

  it('counts only cells inside the zone', () => {
    const signals = runRegions(rule({ min_duration_s: 0 }), [[0, region0().full]], withGrid({ 2: grid(5, true) }));
    expect(signals).toEqual([]);
  });

  it('does nothing without a static reading, or while the analyser warms up', () => {
    const r = rule({ min_duration_s: 0 });
    const frame = { tSec: 1, seq: 1, width: 640, height: 360, tracks: [], endedTrackIds: [] };
    expect(r.evaluate(r.init(), frame).signals).toEqual([]);
    const cold = { wallMs: 0, scene: { static: { warm: false, regions: [], grid: grid(50) } } };
    expect(r.evaluate(r.init(), frame, cold).signals).toEqual([]);
  });
});

/** Region lists used only for their length (which picks the grid in `withGrid`). */
function region0(): { none: readonly StaticRegion[]; some: readonly StaticRegion[]; full: readonly StaticRegion[] } {
  const any: StaticRegion = { id: 1, box: [0, 0, 0, 0], areaShare: 0, staticSinceS: 0, personLeft: false };
  return { none: [], some: [any], full: [any, any] };
}
