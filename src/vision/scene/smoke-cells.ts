/**
 * Per-cell statistics of a small frame for the smoke finder: mean luma, edge
 * energy (mean absolute forward difference, horizontal + vertical) and mean
 * saturation, over square cells of `cellSize` pixels. Outputs are caller-owned.
 */
export function measureCells(
  rgb: Uint8Array,
  grey: Uint8Array,
  width: number,
  height: number,
  cellSize: number,
  cols: number,
  rows: number,
  luma: Float32Array,
  edge: Float32Array,
  saturation: Float32Array,
): void {
  const area = cellSize * cellSize;
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      let sumLuma = 0;
      let sumEdge = 0;
      let sumSat = 0;
      for (let dy = 0; dy < cellSize; dy++) {
        const y = cy * cellSize + dy;
        const down = y + 1 < height ? width : 0;
        for (let dx = 0, x = cx * cellSize; dx < cellSize; dx++, x++) {
          const i = y * width + x;
          const g = grey[i]!;
          const right = x + 1 < width ? 1 : 0;
          sumLuma += g;
          sumEdge += Math.abs(grey[i + right]! - g) + Math.abs(grey[i + down]! - g);
          const p = i * 3;
          const r = rgb[p]!;
          const gg = rgb[p + 1]!;
          const b = rgb[p + 2]!;
          const max = r > gg ? (r > b ? r : b) : gg > b ? gg : b;
          const min = r < gg ? (r < b ? r : b) : gg < b ? gg : b;
          sumSat += max === 0 ? 0 : (max - min) / max;
        }
      }
      const c = cy * cols + cx;
      luma[c] = sumLuma / area;
      edge[c] = sumEdge / area;
      saturation[c] = sumSat / area;
    }
  }
}

/**
 * Median of `values[i]` over the indices where `include[i]` is 1, for values in
 * [0, maxValue], from a histogram of `histogram.length` bins (no sorting, no
 * allocation). NaN when nothing is included.
 */
export function histogramMedian(values: Float32Array, include: Uint8Array, maxValue: number, histogram: Uint32Array): number {
  histogram.fill(0);
  const bins = histogram.length;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (include[i] !== 1) continue;
    const bin = Math.min(bins - 1, Math.floor((values[i]! / maxValue) * bins));
    histogram[bin] = histogram[bin]! + 1;
    count++;
  }
  if (count === 0) return Number.NaN;
  let seen = 0;
  for (let bin = 0; bin < bins; bin++) {
    seen += histogram[bin]!;
    if (seen * 2 >= count) return ((bin + 0.5) / bins) * maxValue;
  }
  return maxValue;
}
