import { describe, expect, it } from 'vitest';
import type { ObjectClass } from '../../../src/contracts/classes.js';
import { withinCooldown } from '../../../src/events/cooldown.js';
import { formatBox, isoTimeAt } from '../../../src/events/format.js';
import { createEventLifecycle, type EventChange, type EventLifecycleOptions } from '../../../src/events/lifecycle.js';
import type { ActiveSignal, EndedSignal, InstantSignal, RuleMeta, RuleSignal } from '../../../src/rules/types.js';

const INTRUSION: RuleMeta = { id: 'r1', type: 'intrusion', severity: 'high', cooldownS: 10, mode: 'active' };
const CROSSING: RuleMeta = { id: 'r3', type: 'line_crossing', severity: 'low', cooldownS: 0, mode: 'active' };
const CROSSING_CD: RuleMeta = { id: 'r5', type: 'line_crossing', severity: 'medium', cooldownS: 5, mode: 'active' };
const BASE_WALL_MS = Date.UTC(2026, 2, 14, 8, 30, 0);

function active(trackId: number, tSec: number, extra: Partial<ActiveSignal> = {}): ActiveSignal {
  return {
    kind: 'situation.active',
    ruleId: 'r1',
    type: 'intrusion',
    trackId,
    tSec,
    cls: 'person',
    box: [0.123456, 0.2, 0.05, 0.1],
    score: 0.8,
    details: { zone: 'quai', dwell_s: tSec },
    ...extra,
  };
}

function ended(trackId: number, tSec: number, reason: EndedSignal['reason'] = 'left'): EndedSignal {
  return { kind: 'situation.ended', ruleId: 'r1', type: 'intrusion', trackId, tSec, reason };
}

function crossing(trackId: number, tSec: number, ruleId = 'r3', cls: ObjectClass = 'person'): InstantSignal {
  return {
    kind: 'instant',
    ruleId,
    type: 'line_crossing',
    trackId,
    tSec,
    cls,
    box: [0.5, 0.4, 0.04, 0.2],
    score: 0.7,
    details: { line: 'entree', direction: 'a_to_b' },
  };
}

function lifecycle(extra: Partial<EventLifecycleOptions> = {}) {
  let n = 0;
  const lc = createEventLifecycle({
    camera: 'parvis-nord',
    rules: [INTRUSION, CROSSING, CROSSING_CD],
    baseWallMs: BASE_WALL_MS,
    newId: () => `ev-${++n}`,
    updateIntervalS: 0,
    ...extra,
  });
  const seen: EventChange[] = [];
  lc.subscribe((c) => seen.push(c));
  /** Feeds [tSec, signals] steps; returns "kind id end" lines. */
  const feed = (steps: readonly (readonly [number, readonly RuleSignal[]])[]): string[] => {
    const from = seen.length;
    for (const [t, sigs] of steps) lc.ingest(sigs, t);
    return seen.slice(from).map((c) => `${c.kind} ${c.event.id} ${String(c.event.end)}`);
  };
  return { lc, seen, feed };
}

describe('event lifecycle', () => {
  it('opens, updates and closes a situation; the event has the 5.3 shape', () => {
    const { feed, seen } = lifecycle();
    expect(
      feed([
        [1, [active(4, 1)]],
        [1.2, [active(4, 1.2, { score: 0.9, box: [0.2, 0.2, 0.05, 0.1] })]],
        [1.4, [active(4, 1.4, { score: 0.6 })]],
        [1.6, [ended(4, 1.6)]],
      ]),
    ).toEqual(['opened ev-1 null', 'updated ev-1 null', 'updated ev-1 null', 'closed ev-1 1.4']);
    expect(seen[0]?.event).toEqual({
      id: 'ev-1',
      camera: 'parvis-nord',
      rule: 'r1',
      type: 'intrusion',
      severity: 'high',
      start: 1,
      end: null,
      start_time: '2026-03-14T08:30:01.000Z',
      track_ids: [4],
      classes: ['person'],
      box: [0.1235, 0.2, 0.05, 0.1],
      score: 0.8,
      snapshot: null,
      clip: null,
      details: { zone: 'quai', dwell_s: 1 },
    });
    const closed = seen[3]?.event;
    expect(closed).toMatchObject({ start: 1, end: 1.4, score: 0.9, box: [0.123456, 0.2, 0.05, 0.1].map((v) => Math.round(v * 1e4) / 1e4), details: { dwell_s: 1.4 } });
  });

  it('a recurrence of the same track within cooldown_s reopens the same event', () => {
    const { feed } = lifecycle();
    expect(
      feed([
        [0, [active(1, 0)]],
        [2, [ended(1, 2)]], // closed, end 0
        [9, [active(1, 9)]], // 9 s after the end <= 10: reopened
        [10, [ended(1, 10)]],
      ]),
    ).toEqual(['opened ev-1 null', 'closed ev-1 0', 'updated ev-1 null', 'closed ev-1 9']);
  });

  it('after the cooldown, the same track raises a new event', () => {
    const { feed } = lifecycle();
    expect(feed([[0, [active(1, 0)]], [1, [ended(1, 1)]], [10.5, [active(1, 10.5)]]])).toEqual([
      'opened ev-1 null',
      'closed ev-1 0',
      'opened ev-2 null',
    ]);
  });

  it('different tracks never merge, even within the cooldown', () => {
    const { feed } = lifecycle();
    expect(feed([[0, [active(1, 0)]], [1, [ended(1, 1)]], [2, [active(2, 2)]]])).toEqual([
      'opened ev-1 null',
      'closed ev-1 0',
      'opened ev-2 null',
    ]);
  });

  it('two tracks at once give two events', () => {
    const { feed } = lifecycle();
    expect(feed([[0, [active(1, 0), active(2, 0)]], [0.2, [ended(1, 0.2), ended(2, 0.2)]]])).toEqual([
      'opened ev-1 null',
      'opened ev-2 null',
      'closed ev-1 0',
      'closed ev-2 0',
    ]);
  });

  it('an instant is an event with start = end; without cooldown each one is new', () => {
    const { feed, seen } = lifecycle();
    expect(feed([[3, [crossing(1, 3), crossing(2, 3)]], [4, [crossing(1, 4)]]])).toEqual([
      'opened ev-1 3',
      'closed ev-1 3',
      'opened ev-2 3',
      'closed ev-2 3',
      'opened ev-3 4',
      'closed ev-3 4',
    ]);
    expect(seen[0]?.event).toMatchObject({ type: 'line_crossing', severity: 'low', start: 3, end: 3, details: { line: 'entree', direction: 'a_to_b', occurrences: 1 } });
  });

  it('with a cooldown, instants of the same track extend one event; other tracks do not', () => {
    const { feed, seen } = lifecycle();
    expect(
      feed([
        [3, [crossing(1, 3, 'r5')]],
        [5, [crossing(1, 5, 'r5'), crossing(2, 5, 'r5', 'bicycle')]],
        [20, [crossing(1, 20, 'r5')]],
      ]),
    ).toEqual(['opened ev-1 3', 'closed ev-1 3', 'updated ev-1 5', 'closed ev-1 5', 'opened ev-2 5', 'closed ev-2 5', 'opened ev-3 20', 'closed ev-3 20']);
    expect(seen[3]?.event).toMatchObject({ start: 3, end: 5, details: { occurrences: 2 } });
    expect(seen[5]?.event).toMatchObject({ track_ids: [2], classes: ['bicycle'] });
  });

  it('flush closes every open event at the end of the stream and forgets closed ones', () => {
    const { lc, feed } = lifecycle();
    feed([[0, [active(1, 0), active(2, 0)]], [1, [active(1, 1)]], [2, [ended(2, 2)]]]);
    expect(lc.size()).toEqual({ open: 1, cooling: 1 });
    const out = lc.flush(1.5);
    expect(out.map((c) => `${c.kind} ${c.event.id} ${String(c.event.end)}`)).toEqual(['closed ev-1 1']);
    expect(lc.size()).toEqual({ open: 0, cooling: 0 });
  });

  it('throttles updates of an open event to updateIntervalS of stream time', () => {
    const { feed } = lifecycle({ updateIntervalS: 1 });
    const steps = [0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0].map((t) => [t, [active(1, t)]] as const);
    expect(feed([...steps, [2.2, [ended(1, 2.2)]]])).toEqual(['opened ev-1 null', 'updated ev-1 null', 'updated ev-1 null', 'closed ev-1 2']);
  });

  it('forgets closed events once their cooldown has passed (bounded memory)', () => {
    // No listener here: keeping every change would measure the test, not the lifecycle.
    const lc = createEventLifecycle({ camera: 'c', rules: [INTRUSION, CROSSING_CD], baseWallMs: 0, newId: () => 'x', updateIntervalS: 0 });
    for (let id = 1; id <= 50_000; id++) {
      const t = id * 0.01;
      lc.ingest([active(id, t), crossing(id, t, 'r5')], t);
      lc.ingest([ended(id, t + 0.005)], t + 0.005);
    }
    const { open, cooling } = lc.size();
    expect(open).toBe(0);
    // Within the last 10 s (intrusion) and 5 s (crossing) at 100 tracks/s.
    expect(cooling).toBeLessThanOrEqual(1002 + 502);
  });

  it('uses the injected id source and base wall time, never the clock', () => {
    const lc = createEventLifecycle({ camera: 'c', rules: [CROSSING], baseWallMs: 0, newId: () => 'fixed' });
    const [opened] = lc.ingest([crossing(1, 61.25)], 61.25);
    expect(opened?.event.id).toBe('fixed');
    expect(opened?.event.start_time).toBe('1970-01-01T00:01:01.250Z');
  });

  it('default ids are UUIDs', () => {
    const lc = createEventLifecycle({ camera: 'c', rules: [CROSSING], baseWallMs: 0 });
    const [opened] = lc.ingest([crossing(1, 1)], 1);
    expect(opened?.event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('refuses signals from a rule it was not told about', () => {
    const lc = createEventLifecycle({ camera: 'c', rules: [], baseWallMs: 0 });
    expect(() => lc.ingest([crossing(1, 1)], 1)).toThrow(/unknown rule "r3"/);
  });
});

describe('event helpers', () => {
  it.each([
    [[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]],
    [[0.123449, 0.00005, 0.33333, 0.66666], [0.1234, 0.0001, 0.3333, 0.6667]],
    [[-0.1, 0.9, 0.3, 0.3], [0, 0.9, 0.2, 0.1]], // clamped to the frame
  ] as const)('formatBox(%j) = %j', (box, expected) => {
    formatBox(box).forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? NaN, 10));
  });

  it('isoTimeAt and withinCooldown', () => {
    expect(isoTimeAt(BASE_WALL_MS, 12.4)).toBe('2026-03-14T08:30:12.400Z');
    expect(withinCooldown(10, 15, 5)).toBe(true);
    expect(withinCooldown(10, 15.01, 5)).toBe(false);
    expect(withinCooldown(10, 10, 0)).toBe(false);
  });
});
