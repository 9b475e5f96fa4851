import { describe, expect, it } from 'vitest';
import { assignWithLimit, costMatrix, solveAssignment, type CostMatrix } from '../../src/vision/track/assignment.js';
import { rng } from '../helpers/random.js';

function matrix(rows: number[][]): CostMatrix {
  const m = costMatrix(rows.length, rows[0]?.length ?? 0);
  rows.forEach((row, r) => row.forEach((v, c) => { m.data[r * m.cols + c] = v; }));
  return m;
}

/** Exhaustive minimum over all injective maps of the smaller side (tiny sizes only). */
function bruteForceMin(m: CostMatrix): number {
  const { rows, cols, data } = m;
  const cost = (r: number, c: number): number => (rows <= cols ? data[r * cols + c] : data[c * cols + r]) ?? 0;
  const n = Math.min(rows, cols);
  const k = Math.max(rows, cols);
  let best = Infinity;
  const used = new Array<boolean>(k).fill(false);
  const walk = (i: number, acc: number): void => {
    if (i === n) { best = Math.min(best, acc); return; }
    for (let j = 0; j < k; j++) {
      if (used[j]) continue;
      used[j] = true;
      walk(i + 1, acc + cost(i, j));
      used[j] = false;
    }
  };
  walk(0, 0);
  return best;
}

describe('solveAssignment', () => {
  it('finds the optimum where greedy fails', () => {
    // Greedy takes (0,0)=1 then must take (1,1)=10: 11. Optimal: (0,1)+(1,0) = 2 + 2 = 4.
    const colOf = solveAssignment(matrix([[1, 2], [2, 10]]));
    expect([...colOf]).toEqual([1, 0]);
  });

  it('handles more rows than columns and the reverse', () => {
    expect([...solveAssignment(matrix([[5], [1], [3]]))]).toEqual([-1, 0, -1]);
    expect([...solveAssignment(matrix([[5, 1, 3]]))]).toEqual([1]);
    expect([...solveAssignment(costMatrix(0, 3))]).toEqual([]);
  });

  it('matches brute force on random matrices', () => {
    const next = rng(42);
    for (let trial = 0; trial < 200; trial++) {
      const rows = 1 + Math.floor(next() * 5);
      const cols = 1 + Math.floor(next() * 5);
      const m = costMatrix(rows, cols);
      for (let k = 0; k < m.data.length; k++) m.data[k] = Math.round(next() * 20) - 5;
      const colOf = solveAssignment(m);
      let total = 0;
      const seen = new Set<number>();
      colOf.forEach((c, r) => {
        if (c < 0) return;
        expect(seen.has(c)).toBe(false);
        seen.add(c);
        total += m.data[r * cols + c] ?? 0;
      });
      expect(seen.size).toBe(Math.min(rows, cols));
      expect(total).toBeCloseTo(bruteForceMin(m), 9);
    }
  });

  it('rejects non-finite costs', () => {
    expect(() => solveAssignment(matrix([[1, Infinity]]))).toThrow(/not finite/);
  });
});

describe('assignWithLimit', () => {
  it('never matches a pair above the limit and reports the unmatched', () => {
    const r = assignWithLimit(matrix([[0.1, 0.9], [0.95, 0.99]]), 0.8);
    expect(r.matches).toEqual([[0, 0]]);
    expect(r.unmatchedRows).toEqual([1]);
    expect(r.unmatchedCols).toEqual([1]);
  });

  it('prefers two good matches to one excellent one', () => {
    // Taking (0,0)=0.0 leaves row 1 and col 1 unmatched at limit/2 = 0.4 each: total 0.8.
    // Taking (0,1)=0.4 and (1,0)=0.3 costs 0.7: better, and it is what a tracker wants.
    const r = assignWithLimit(matrix([[0.0, 0.4], [0.3, Infinity]]), 0.8);
    expect(r.matches).toEqual([[0, 1], [1, 0]]);
  });

  it('treats Infinity and NaN as forbidden, and empty inputs as no matches', () => {
    expect(assignWithLimit(matrix([[Infinity, NaN]]), 1).matches).toEqual([]);
    const empty = assignWithLimit(costMatrix(0, 2), 1);
    expect(empty.matches).toEqual([]);
    expect(empty.unmatchedCols).toEqual([0, 1]);
  });
});
