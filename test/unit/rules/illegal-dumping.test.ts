import { describe, expect, it } from 'vitest';
import { createIllegalDumpingRule } from '../../../src/rules/illegal-dumping.js';
import { region, runRegions } from '../../helpers/static-clips.js';
import { brief, ruleConfig, zone } from './scenario.js';

const scene = { zones: [zone({ id: 'trottoir', polygon: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] })], lines: [] };
const rule = (extra: Record<string, unknown> = {}) =>
  createIllegalDumpingRule(ruleConfig({ id: 'd1', type: 'illegal_dumping', zone: 'trottoir', min_duration_s: 30, ...extra }), scene);

describe('illegal_dumping', () => {
  it('raises for a big static thing in the zone after min_duration_s, with person_left in details', () => {
    const pile = region(3, 0.4, 0.9, 0, { w: 0.1, h: 0.08, personLeft: true });
    const signals = runRegions(rule(), [[29, [pile]], [30, [pile]], [31, []]]);
    expect(signals.map(brief)).toEqual(['30 active #3', '31 ended #3 stopped']);
    expect(signals[0]).toMatchObject({ type: 'illegal_dumping', cls: 'object', trackIds: [], details: { zone: 'trottoir', person_left: true, static_s: 30 } });
  });

  it('has its own size bounds: a small bag is not dumping, a pile too big for abandoned_object is', () => {
    const bag = region(1, 0.3, 0.9, 0, { area: 0.001 });
    const pile = region(2, 0.7, 0.9, 0, { area: 0.12 });
    expect(runRegions(rule(), [[40, [bag, pile]]]).map(brief)).toEqual(['40 active #2']);
  });

  it('with require_person_left, only a region a person walked away from', () => {
    const nobody = region(1, 0.3, 0.9, 0, { area: 0.01 });
    const left = region(2, 0.7, 0.9, 0, { area: 0.01, personLeft: true });
    expect(runRegions(rule({ require_person_left: true }), [[40, [nobody, left]]]).map(brief)).toEqual(['40 active #2']);
    expect(runRegions(rule({ require_person_left: false }), [[40, [nobody, left]]]).map(brief)).toEqual(['40 active #1', '40 active #2']);
  });

  it('a region whose person is later seen leaving starts its situation then (the time static still counts)', () => {
    const before = region(5, 0.5, 0.9, 0, { area: 0.01 });
    const after = { ...before, personLeft: true };
    const signals = runRegions(rule({ require_person_left: true }), [[35, [before]], [36, [after]]]);
    expect(signals.map(brief)).toEqual(['36 active #5']);
    expect(signals[0]).toMatchObject({ details: { static_s: 36 } });
  });
});
