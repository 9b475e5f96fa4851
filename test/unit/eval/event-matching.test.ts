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
