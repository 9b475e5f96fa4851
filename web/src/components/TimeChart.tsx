/**
 * A small SVG line chart over time (no chart library): one polyline per series,
 * y from 0, time ticks suited to the span. Accessible as an image with a title;
 * the screens that use it also give the figures as a table.
 */
import { useId } from 'react';
import { useI18n } from '../i18n.js';

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
  /** Value per bucket start (ms since the epoch); a missing bucket is drawn as 0. */
  values: ReadonlyMap<number, number>;
}

const W = 760;
const H = 220;
const M = { top: 12, right: 14, bottom: 26, left: 44 };

/** Rounds up to 1, 2 or 5 times a power of ten, so the axis reads well. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function tickStepMs(spanMs: number): number {
  const h = 3_600_000;
  if (spanMs <= 2 * h) return 15 * 60_000;
  if (spanMs <= 8 * h) return h;
  if (spanMs <= 30 * h) return 3 * h;
  return 24 * h;
}

export function TimeChart(props: { title: string; fromMs: number; toMs: number; bucketMs: number; series: ChartSeries[]; testid?: string }) {
  const { lang } = useI18n();
  const titleId = useId();
  const { fromMs, toMs, bucketMs, series } = props;
  const span = Math.max(bucketMs, toMs - fromMs);
  const first = Math.floor(fromMs / bucketMs) * bucketMs;
  const starts: number[] = [];
  for (let s = first; s < toMs; s += bucketMs) starts.push(s);
  let max = 0;
  for (const s of series) for (const v of s.values.values()) max = Math.max(max, v);
  const yMax = niceMax(max);
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  // A bucket is drawn at its middle.
  const x = (t: number) => M.left + ((t + bucketMs / 2 - fromMs) / span) * iw;
  const y = (v: number) => M.top + ih - (v / yMax) * ih;
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const step = tickStepMs(span);
  const fmt = new Intl.DateTimeFormat(locale, step >= 86_400_000 ? { weekday: 'short', day: 'numeric' } : { hour: '2-digit', minute: '2-digit' });
  const ticks: number[] = [];
  // Ticks on round local times (whole hours, midnight).
  const offset = new Date(fromMs).getTimezoneOffset() * 60_000;
  for (let t = Math.ceil((fromMs - offset) / step) * step + offset; t <= toMs; t += step) ticks.push(t);
  const xt = (t: number) => M.left + ((t - fromMs) / span) * iw;
  const yTicks = [0, yMax / 2, yMax];

  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby={titleId} className="vigie-chart" data-testid={props.testid}>
      <title id={titleId}>{props.title}</title>
      {yTicks.map((v) => (
        <g key={v}>
          <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} className="vigie-chart-grid" />
          <text x={M.left - 6} y={y(v) + 4} textAnchor="end" className="vigie-chart-label">
            {Number.isInteger(v) ? v : v.toFixed(1)}
          </text>
        </g>
      ))}
      {ticks.map((t) => (
        <g key={t}>
          <line x1={xt(t)} x2={xt(t)} y1={M.top + ih} y2={M.top + ih + 4} className="vigie-chart-axis" />
          <text x={xt(t)} y={H - 6} textAnchor="middle" className="vigie-chart-label">
            {fmt.format(new Date(t))}
          </text>
        </g>
      ))}
      <line x1={M.left} x2={W - M.right} y1={M.top + ih} y2={M.top + ih} className="vigie-chart-axis" />
      {series.map((s) => (
        <polyline
          key={s.key}
          fill="none"
          stroke={s.color}
          strokeWidth={2}
          strokeDasharray={s.dashed ? '6 4' : undefined}
          strokeLinejoin="round"
          points={starts.map((t) => `${x(t).toFixed(1)},${y(s.values.get(t) ?? 0).toFixed(1)}`).join(' ')}
          data-series={s.key}
        />
      ))}
    </svg>
  );
}

export function ChartLegend({ series }: { series: ChartSeries[] }) {
  return (
    <ul className="vigie-legend" aria-hidden="true">
      {series.map((s) => (
        <li key={s.key}>
          <svg width="26" height="10" aria-hidden="true">
            <line x1="1" x2="25" y1="5" y2="5" stroke={s.color} strokeWidth="3" strokeDasharray={s.dashed ? '6 4' : undefined} />
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}
