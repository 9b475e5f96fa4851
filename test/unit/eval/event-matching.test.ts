import { describe, expect, it } from 'vitest';
import { formatEventScores, scoreEvents, type Annotation, type ScoredEvent } from '../../../src/eval/event-matching.js';

const gt = (type: Annotation['type'], start: number, end: number, camera?: string): Annotation => ({ type, start, end, ...(camera ? { camera } : {}) });
const ev = (type: ScoredEvent['type'], start: number, end: number | null, camera?: string): ScoredEvent => ({ type, start, end, ...(camera ? { camera } : {}) });

describe('scoreEvents', () => {
  it('matches overlapping intervals of the same type and scores per type', () => {
    const s = scoreEvents([gt('gathering', 10, 30), gt('fire', 50, 60)], [ev('gathering', 12, 28), ev('fire', 100, 101)]);
    expect(s.perType.map((t) => [t.type, t.tp, t.fp, t.fn])).toEqual([
      ['gathering', 1, 0, 0],
      ['fire', 0, 1, 1],
    ]);
    const gathering = s.perType[0];
    expect(gathering?.precision).toBe(1);
    expect(gathering?.recall).toBe(1);
    expect(gathering?.f1).toBe(1);
    expect(s.perType[1]?.f1).toBe(0);
  });

  it('allows 2 s of tolerance on either side, not more', () => {
    expect(scoreEvents([gt('loitering', 10, 20)], [ev('loitering', 21.9, 25)]).perType[0]?.tp).toBe(1);
    expect(scoreEvents([gt('loitering', 10, 20)], [ev('loitering', 22.1, 25)]).perType[0]?.tp).toBe(0);
    expect(scoreEvents([gt('loitering', 10, 20)], [ev('loitering', 5, 8.1)]).perType[0]?.tp).toBe(1);
    expect(scoreEvents([gt('loitering', 10, 20)], [ev('loitering', 5, 7.9)]).perType[0]?.tp).toBe(0);
    expect(scoreEvents([gt('loitering', 10, 20)], [ev('loitering', 22.1, 25)], 3).perType[0]?.tp).toBe(1);
  });

  it('uses each annotation once: a second event on the same situation is a false positive, counted as duplicate', () => {
    const s = scoreEvents([gt('smoke', 0, 60)], [ev('smoke', 5, 20), ev('smoke', 25, 50)]).perType[0];
    expect(s).toMatchObject({ tp: 1, fp: 1, fn: 0, duplicates: 1, precision: 0.5, recall: 1 });
  });

  it('chooses the assignment that matches the most annotations, not the first come', () => {
    // A greedy pass would give the long event to the first annotation and leave the second unmatched.
    const s = scoreEvents([gt('fire', 0, 10), gt('fire', 20, 30)], [ev('fire', 0, 25), ev('fire', 2, 6)]).perType[0];
    expect(s).toMatchObject({ tp: 2, fp: 0, fn: 0 });
  });

  it('never matches across types or cameras; an open event counts at its start', () => {
    const s = scoreEvents([gt('fire', 0, 10, 'cam-a')], [ev('smoke', 0, 10, 'cam-a'), ev('fire', 0, 10, 'cam-b'), ev('fire', 9, null, 'cam-a')]);
    expect(s.perType.find((t) => t.type === 'fire')).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    expect(s.perType.find((t) => t.type === 'smoke')).toMatchObject({ tp: 0, fp: 1, fn: 0, recall: null });
  });

  it('reports null precision when a type has no event, and prints a table', () => {
    const s = scoreEvents([gt('person_down', 1, 2)], []);
    expect(s.perType[0]).toMatchObject({ precision: null, recall: 0, f1: null, fn: 1 });
    const table = formatEventScores(s);
    expect(table).toMatch(/person_down\s+1\s+0\s+0\s+0\s+1\s+0\s+-\s+0\.000\s+-/);
  });
});

describe('scoreEvents per rule and confusion across types', () => {
  const ruled = (type: ScoredEvent['type'], start: number, end: number, rule: string): ScoredEvent => ({ type, start, end, rule });

  it('scores each rule id against every annotation of its type', () => {
    const s = scoreEvents(
      [gt('gathering', 10, 20), gt('gathering', 50, 60)],
      [ruled('gathering', 11, 19, 'north'), ruled('gathering', 51, 59, 'south'), ruled('gathering', 80, 90, 'south')],
    );
    expect(s.perType[0]).toMatchObject({ tp: 2, fp: 1, fn: 0 });
    expect(s.perRule.map((r) => [r.rule, r.type, r.events, r.tp, r.fp, r.fn])).toEqual([
      ['north', 'gathering', 1, 1, 0, 1],
      ['south', 'gathering', 2, 1, 1, 1],
    ]);
    expect(s.perRule[1]?.precision).toBe(0.5);
    expect(scoreEvents([gt('fire', 0, 1)], [ev('fire', 0, 1)]).perRule).toEqual([]);
  });

  it('puts each event in one cell: its own type when it overlaps one, else the other type, else none', () => {
    const s = scoreEvents(
      [gt('gathering', 10, 20), gt('loitering', 40, 50), gt('loitering', 100, 110), gt('fire', 200, 210)],
      [ev('gathering', 12, 18), ev('gathering', 15, 16), ev('gathering', 41, 49), ev('loitering', 70, 80), ev('fire', 10, 20)],
    );
    const { labels, cells } = s.confusion;
    expect(labels).toEqual(['gathering', 'loitering', 'fire', 'none']);
    const cell = (row: string, column: string): number | undefined => cells[labels.indexOf(row as never)]?.[labels.indexOf(column as never)];
    // Matched and duplicate gatherings on the diagonal; the one during the loitering under loitering.
    expect(cell('gathering', 'gathering')).toBe(2);
    expect(cell('gathering', 'loitering')).toBe(1);
    expect(cell('loitering', 'none')).toBe(1);
    // The fire event during the gathering is a confusion, and the annotated fire nobody saw is in the none row.
    expect(cell('fire', 'gathering')).toBe(1);
    expect(cell('none', 'fire')).toBe(1);
    expect(cell('none', 'loitering')).toBe(1);
    expect(cell('none', 'gathering')).toBe(0);
    // Rows add up to the events of each type.
    expect(cells.slice(0, -1).map((r) => r.reduce((a, b) => a + b, 0))).toEqual([3, 1, 1]);
  });

  it('prints the per-rule and confusion tables after the per-type one', () => {
    const table = formatEventScores(scoreEvents([gt('gathering', 10, 20)], [ruled('gathering', 11, 19, 'north'), ruled('fire', 11, 19, 'f1')]));
    expect(table).toMatch(/north\s+gathering\s+1\s+1\s+1\s+0\s+0\s+0\s+1\.000\s+1\.000\s+1\.000/);
    expect(table).toMatch(/event \\ annotation\s+gathering\s+fire\s+none/);
    expect(table).toMatch(/\nfire\s+1\s+0\s+0\n/);
  });
});
