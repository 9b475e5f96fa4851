import { describe, expect, it } from 'vitest';
import { createLineCrossingRule } from '../../../src/rules/line-crossing.js';
import { RuleConfigError } from '../../../src/rules/types.js';
import { brief, car, frame, line, person, ruleConfig, run, thing } from './scenario.js';
import type { LineConfig } from '../../../src/config/schema.js';

// Line "entree" from a=(0.2,0.5) to b=(0.8,0.5): looking from a to b is looking east,
// so the image top (y < 0.5) is its LEFT side and the bottom its RIGHT side.
// Walking down the image crosses a_to_b; walking up crosses b_to_a.
const scene = { zones: [], lines: [line({ id: 'entree', points: [[0.2, 0.5], [0.8, 0.5]] })] };
const rule = (extra: Record<string, unknown> = {}) =>
  createLineCrossingRule(ruleConfig({ id: 'r3', type: 'line_crossing', line: 'entree', ...extra }), scene);

/** One person walking through the given foot y positions, one frame every 0.2 s. */
const walkY = (id: number, x: number, ys: readonly number[]) => ys.map((y, i) => frame(Math.round(i * 2) / 10, [person(id, x, y)]));

describe('line crossing', () => {
  it.each([
    ['down the image', [0.3, 0.4, 0.5, 0.6, 0.7], 'any', ['0.6 instant #1 a_to_b']],
    ['up the image', [0.7, 0.6, 0.5, 0.4, 0.3], 'any', ['0.6 instant #1 b_to_a']],
    ['down, a_to_b only', [0.3, 0.4, 0.6, 0.7], 'a_to_b', ['0.4 instant #1 a_to_b']],
    ['down, b_to_a only', [0.3, 0.4, 0.6, 0.7], 'b_to_a', []],
    ['up, b_to_a only', [0.7, 0.6, 0.4, 0.3], 'b_to_a', ['0.4 instant #1 b_to_a']],
    ['approaching without crossing', [0.3, 0.4, 0.45, 0.4, 0.3], 'any', []],
  ] as const)('%s (%j, %s)', (_name, ys, direction, expected) => {
    expect(run(rule({ direction }), walkY(1, 0.5, ys)).map(brief)).toEqual(expected);
  });

  it('a foot point jittering on the line counts once', () => {
    // Hysteresis 0.01: the confirmed side only flips once the foot is 0.01 past the line.
    const ys = [0.4, 0.495, 0.503, 0.497, 0.505, 0.498, 0.502, 0.509, 0.496, 0.53, 0.6];
    expect(run(rule({ hysteresis: 0.01 }), walkY(1, 0.5, ys)).map(brief)).toEqual(['1.8 instant #1 a_to_b']);
  });

  it('without hysteresis the same jitter counts every pass (why the setting exists)', () => {
    const ys = [0.4, 0.495, 0.503, 0.497, 0.505, 0.6];
    expect(run(rule({ hysteresis: 0 }), walkY(1, 0.5, ys)).length).toBe(3);
  });

  it('crossing back later is a new crossing', () => {
    const ys = [0.4, 0.6, 0.6, 0.6, 0.4, 0.4, 0.6];
    expect(run(rule(), walkY(1, 0.5, ys)).map(brief)).toEqual([
      '0.2 instant #1 a_to_b',
      '0.8 instant #1 b_to_a',
      '1.2 instant #1 a_to_b',
    ]);
  });

  it('two tracks crossing together give two crossings', () => {
    const frames = [
      frame(0, [person(1, 0.4, 0.4), person(2, 0.42, 0.4)]),
      frame(0.2, [person(1, 0.4, 0.6), person(2, 0.42, 0.6)]),
    ];
    expect(run(rule(), frames).map(brief)).toEqual(['0.2 instant #1 a_to_b', '0.2 instant #2 a_to_b']);
  });

  it('only crossings within the segment count', () => {
    const frames = [
      frame(0, [person(1, 0.9, 0.4), person(2, 0.1, 0.6), person(3, 0.79, 0.4)]),
      frame(0.2, [person(1, 0.9, 0.6), person(2, 0.1, 0.4), person(3, 0.79, 0.6)]),
    ];
    expect(run(rule(), frames).map(brief)).toEqual(['0.2 instant #3 a_to_b']);
  });

  it('a diagonal pass is judged where it cuts the line, not where it ends up', () => {
    // Cuts y = 0.5 at x = 0.75 (inside the segment) but ends beyond b's x.
    const frames = [frame(0, [person(1, 0.7, 0.45)]), frame(0.2, [person(1, 0.8, 0.55)]), frame(0.4, [person(1, 0.9, 0.65)])];
    expect(run(rule(), frames).map(brief)).toEqual(['0.2 instant #1 a_to_b']);
    // Goes round the end of the line: cuts y = 0.5 at x = 0.85.
    const around = [frame(0, [person(1, 0.8, 0.45)]), frame(0.2, [person(1, 0.9, 0.55)])];
    expect(run(rule(), around)).toEqual([]);
  });

  it('a track born on the line is not a crossing until it has a side', () => {
    const ys = [0.5, 0.505, 0.52, 0.6];
    expect(run(rule(), walkY(1, 0.5, ys))).toEqual([]);
  });

  it('uses the box centre for vehicles (classes default to people and vehicles)', () => {
    // Car centre goes 0.45 -> 0.55: crosses; its bottom edge was already below the line.
    const frames = [frame(0, [car(7, 0.5, 0.45)]), frame(0.2, [car(7, 0.5, 0.55)])];
    expect(run(rule(), frames).map(brief)).toEqual(['0.2 instant #7 a_to_b']);
  });

  it.each([
    [['person'], 'dog', 0],
    [['any'], 'dog', 1],
    [['any'], 'object', 1],
    [['object'], 'object', 1],
    [undefined, 'object', 0], // default classes: person and vehicles
  ] as const)('classes %j and a %s -> %d crossing(s)', (classes, cls, n) => {
    const frames = [frame(0, [thing(1, cls, 0.5, 0.4)]), frame(0.2, [thing(1, cls, 0.5, 0.6)])];
    expect(run(rule(classes ? { classes } : {}), frames).length).toBe(n);
  });

  it('forgets a track that ended: a new track with the same id starts fresh', () => {
    const frames = [
      frame(0, [person(1, 0.5, 0.4)]),
      frame(0.2, [], [1]),
      frame(0.4, [person(1, 0.5, 0.6)]), // reused id, first seen below the line
    ];
    expect(run(rule(), frames)).toEqual([]);
  });

  it('refuses an unknown or zero-length line', () => {
    expect(() => createLineCrossingRule(ruleConfig({ id: 'r9', type: 'line_crossing', line: 'x' }), scene)).toThrow(RuleConfigError);
    // The config schema refuses such a line; the rule checks again for configs built in code.
    const flat = { zones: [], lines: [{ id: 'p', points: [[0.3, 0.3], [0.3, 0.3]] } satisfies LineConfig] };
    expect(() => createLineCrossingRule(ruleConfig({ id: 'r9', type: 'line_crossing', line: 'p' }), flat)).toThrow(/identical points/);
  });
});
