/** Time spans in epoch milliseconds, [from, to). */
export interface Span {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Length of the union of `spans` clipped to [fromMs, toMs): overlapping spans count once. */
export function coveredMs(spans: readonly Span[], fromMs: number, toMs: number): number {
  const clipped = spans
    .map((s) => ({ fromMs: Math.max(s.fromMs, fromMs), toMs: Math.min(s.toMs, toMs) }))
    .filter((s) => s.toMs > s.fromMs)
    .sort((a, b) => a.fromMs - b.fromMs);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const s of clipped) {
    if (s.toMs <= end) continue;
    total += s.toMs - Math.max(s.fromMs, end);
    end = s.toMs;
  }
  return total;
}
