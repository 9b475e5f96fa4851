/**
 * Connected components (8-connectivity) of a 0/1 mask, by flood fill with a
 * preallocated stack. Visited pixels are set to 2 in the mask (still non-zero,
 * so the mask keeps meaning "foreground").
 */

/** Preallocated per-component statistics, `capacity` components at most. */
export class ComponentStats {
  /** Number of components found by the last `labelComponents` call (at most `capacity`). */
  count = 0;
  /** Components beyond `capacity` that the last call could not record. */
  dropped = 0;
  readonly minX: Int32Array;
  readonly minY: Int32Array;
  readonly maxX: Int32Array;
  readonly maxY: Int32Array;
  readonly area: Int32Array;

  constructor(readonly capacity: number) {
    this.minX = new Int32Array(capacity);
    this.minY = new Int32Array(capacity);
    this.maxX = new Int32Array(capacity);
    this.maxY = new Int32Array(capacity);
    this.area = new Int32Array(capacity);
  }
}

/**
 * Labels the components of `mask` (non-zero = foreground) with at least
 * `minAreaCells` cells into `stats`. `stack` must hold `width * height` entries.
 */
export function labelComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  minAreaCells: number,
  stack: Int32Array,
  stats: ComponentStats,
): void {
  stats.count = 0;
  stats.dropped = 0;
  const n = width * height;
  for (let seed = 0; seed < n; seed++) {
    if (mask[seed] !== 1) continue;
    let top = 0;
    stack[top++] = seed;
    mask[seed] = 2;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let area = 0;
    while (top > 0) {
      const p = stack[--top]!;
      const y = (p / width) | 0;
      const x = p - y * width;
      area++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const y0 = y > 0 ? y - 1 : 0;
      const y1 = y < height - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < width - 1 ? x + 1 : x;
      for (let ny = y0; ny <= y1; ny++) {
        const row = ny * width;
        for (let nx = x0; nx <= x1; nx++) {
          const q = row + nx;
          if (mask[q] === 1) {
            mask[q] = 2;
            stack[top++] = q;
          }
        }
      }
    }
    if (area < minAreaCells) continue;
    if (stats.count === stats.capacity) {
      stats.dropped++;
      continue;
    }
    const k = stats.count++;
    stats.minX[k] = minX;
    stats.minY[k] = minY;
    stats.maxX[k] = maxX;
    stats.maxY[k] = maxY;
    stats.area[k] = area;
  }
}
