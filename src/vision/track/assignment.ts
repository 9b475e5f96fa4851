/**
 * Optimal linear assignment (minimum total cost), by shortest augmenting paths
 * with dual potentials (the Hungarian method in its Jonker-Volgenant form),
 * O(n^2 m) for n rows and m >= n columns.
 *
 * `assignWithLimit` adds a cost limit: a pair costing more than the limit is
 * never matched, and the matching minimises the total cost where leaving a row
 * or a column unmatched costs limit / 2 each. So a pair is worth matching
 * exactly when its cost is below the limit, and the choice among rivals stays
 * globally optimal (unlike a greedy "best IoU first").
 */

/** A dense row-major cost matrix. */
export interface CostMatrix {
  readonly rows: number;
  readonly cols: number;
  /** rows * cols costs, row-major. */
  readonly data: Float64Array;
}

export interface AssignmentResult {
  /** [row, col] pairs, sorted by row. */
  readonly matches: readonly (readonly [row: number, col: number])[];
  readonly unmatchedRows: readonly number[];
  readonly unmatchedCols: readonly number[];
}

export function costMatrix(rows: number, cols: number, fill = 0): CostMatrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`cost matrix size must be non-negative integers, got ${rows}x${cols}`);
  }
  return { rows, cols, data: new Float64Array(rows * cols).fill(fill) };
}

/**
 * Minimum-cost assignment that matches min(rows, cols) pairs. All costs must
 * be finite. Returns, for each row, its column or -1.
 */
export function solveAssignment(matrix: CostMatrix): Int32Array {
  const { rows, cols, data } = matrix;
  const rowToCol = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return rowToCol;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) throw new RangeError(`cost at row ${Math.floor(k / cols)}, col ${k % cols} is not finite`);
  }
  if (rows <= cols) {
    const colOfRow = shortestAugmentingPath(data, rows, cols, false);
    rowToCol.set(colOfRow);
  } else {
    // Solve the transpose (columns as rows), then invert the result.
    const rowOfCol = shortestAugmentingPath(data, cols, rows, true);
    for (let c = 0; c < cols; c++) {
      const r = rowOfCol[c] ?? -1;
      if (r >= 0) rowToCol[r] = c;
    }
  }
  return rowToCol;
}

/**
 * Minimum-cost partial assignment where pairs costing more than `costLimit`
 * (or not finite) are forbidden and an unmatched row or column costs
 * `costLimit / 2`.
 */
export function assignWithLimit(matrix: CostMatrix, costLimit: number): AssignmentResult {
  const { rows, cols, data } = matrix;
  if (!Number.isFinite(costLimit)) throw new RangeError('costLimit must be finite');
  // Rows and columns with no admissible pair cannot be matched: leave them out of the solve.
  const rowOk = new Uint8Array(rows);
  const colOk = new Uint8Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if ((data[r * cols + c] ?? Infinity) <= costLimit) {
        rowOk[r] = 1;
        colOk[c] = 1;
      }
    }
  }
  const keptRows: number[] = [];
  const keptCols: number[] = [];
  for (let r = 0; r < rows; r++) if (rowOk[r] === 1) keptRows.push(r);
  for (let c = 0; c < cols; c++) if (colOk[c] === 1) keptCols.push(c);

  const matches: (readonly [number, number])[] = [];
  const n = keptRows.length;
  const m = keptCols.length;
  if (n > 0 && m > 0) {
    // Square (n + m) matrix: [C | dummy-for-rows ; dummy-for-cols | 0].
    const size = n + m;
    const aug = new Float64Array(size * size);
    const forbidden = costLimit + 1 + Math.abs(costLimit);
    const half = costLimit / 2;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        let v: number;
        if (i < n && j < m) {
          const c = data[(keptRows[i] ?? 0) * cols + (keptCols[j] ?? 0)] ?? Infinity;
          v = c <= costLimit ? c : forbidden;
        } else if (i < n || j < m) {
          v = half;
        } else {
          v = 0;
        }
        aug[i * size + j] = v;
      }
    }
    const colOfRow = shortestAugmentingPath(aug, size, size, false);
    for (let i = 0; i < n; i++) {
      const j = colOfRow[i] ?? -1;
      if (j < 0 || j >= m) continue;
      const r = keptRows[i] ?? 0;
      const c = keptCols[j] ?? 0;
      if ((data[r * cols + c] ?? Infinity) <= costLimit) matches.push([r, c]);
    }
  }
  matches.sort((a, b) => a[0] - b[0]);
  const rowMatched = new Uint8Array(rows);
  const colMatched = new Uint8Array(cols);
  for (const [r, c] of matches) {
    rowMatched[r] = 1;
    colMatched[c] = 1;
  }
  const unmatchedRows: number[] = [];
  const unmatchedCols: number[] = [];
  for (let r = 0; r < rows; r++) if (rowMatched[r] === 0) unmatchedRows.push(r);
  for (let c = 0; c < cols; c++) if (colMatched[c] === 0) unmatchedCols.push(c);
  return { matches, unmatchedRows, unmatchedCols };
}

/**
 * Core solver for n <= m: assigns every one of n rows a distinct column.
 * `transposed` reads cost(i, j) as data[j * n + i] (the caller's matrix is m x n).
 * Potentials u (rows) and v (columns) keep reduced costs non-negative; each row
 * is added by a Dijkstra-like search for the cheapest augmenting path.
 */
function shortestAugmentingPath(data: Float64Array, n: number, m: number, transposed: boolean): Int32Array {
  const cost = transposed
    ? (i: number, j: number): number => data[j * n + i] ?? 0
    : (i: number, j: number): number => data[i * m + j] ?? 0;
  // 1-based columns; column 0 is a virtual start. rowOfCol[j] is 1-based (0 = free).
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOfCol = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOfCol[j0] ?? 0;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j] === 1) continue;
        const cur = cost(i0 - 1, j - 1) - (u[i0] ?? 0) - (v[j] ?? 0);
        if (cur < (minv[j] ?? Infinity)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] ?? Infinity) < delta) {
          delta = minv[j] ?? Infinity;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j] === 1) {
          const r = rowOfCol[j] ?? 0;
          u[r] = (u[r] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else {
          minv[j] = (minv[j] ?? 0) - delta;
        }
      }
      j0 = j1;
    } while ((rowOfCol[j0] ?? 0) !== 0);
    // Flip the augmenting path.
    do {
      const j1 = way[j0] ?? 0;
      rowOfCol[j0] = rowOfCol[j1] ?? 0;
      j0 = j1;
    } while (j0 !== 0);
  }
  const colOfRow = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) {
    const r = rowOfCol[j] ?? 0;
    if (r > 0) colOfRow[r - 1] = j - 1;
  }
  return colOfRow;
}
