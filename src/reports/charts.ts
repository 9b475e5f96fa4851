/**
 * ECharts options of the trial report's charts, built from `TrialStatistics`.
 * Pure (no Node, no DOM): the console draws them in the browser and the
 * HTML/PDF report draws the same options with ECharts server-side rendering,
 * so a figure looks the same on screen and on paper.
 *
 * Every option has `animation: false` (a printed or SSR chart must be drawn
 * in its final state) and the ECharts `aria` description on, naming the
 * figures, for screen readers; the console also puts a table under each chart.
 * Colours are chosen to stay distinct when printed in grey: one dark hue per
 * single-series chart, a light-to-dark ramp for the heat map, and decal
 * patterns on the two-series chart.
 */
import type { EChartsOption } from 'echarts';
import type { DurationSummary, TrialStatistics } from './types.js';

/** Translated strings of the charts (the console's i18n, or French for the printed report). */
export interface ReportChartLabels {
  readonly titles: {
    readonly eventsByType: string;
    readonly weekdayHour: string;
    readonly precisionTrend: string;
    readonly timeToAck: string;
    readonly availability: string;
  };
  /** Name of an event type (`intrusion` -> "Intrusion"). */
  readonly typeName: (type: string) => string;
  /** Seven day names, Monday first. */
  readonly weekdays: readonly string[];
  /** Series and axis names. */
  readonly alerts: string;
  readonly hour: string;
  readonly week: string;
  readonly precision: string;
  readonly trueAlerts: string;
  readonly falseAlarms: string;
  readonly duplicates: string;
  readonly unqualified: string;
  readonly acknowledged: string;
  readonly median: string;
  readonly p90: string;
  readonly analysed: string;
  readonly recorded: string;
  /** Shown for a ratio without data (denominator 0). */
  readonly noData: string;
  /** The busiest cell of the heat map, in its description. */
  readonly peak: string;
}

export interface ReportChartStyle {
  /** Colours for a dark background (the console); by default, print on white. */
  readonly dark?: boolean;
  /** Draw the title in the chart (the printed report); the console shows it as a heading instead. */
  readonly showTitle?: boolean;
}

interface Palette {
  readonly background: string;
  readonly primary: string;
  readonly secondary: string;
  readonly marker: string;
  readonly ramp: readonly string[];
  readonly cellText: string;
  readonly cellTextBorder: string;
}

// Print: dark blue and dark orange on white (distinct in grey); screen: lighter tints on the console's dark grey.
const PRINT: Palette = {
  background: '#ffffff',
  primary: '#1d4f91',
  secondary: '#b85400',
  marker: '#b3261e',
  ramp: ['#ffffff', '#9ec3e6', '#1d4f91', '#0b1f3a'],
  cellText: '#000000',
  cellTextBorder: '#ffffff',
};
const SCREEN: Palette = {
  background: 'transparent',
  primary: '#74c0fc',
  secondary: '#ffa94d',
  marker: '#ff8787',
  ramp: ['#25262b', '#1c4f80', '#339af0', '#d0ebff'],
  cellText: '#ffffff',
  cellTextBorder: '#000000',
};

function palette(style: ReportChartStyle): Palette {
  return style.dark ? SCREEN : PRINT;
}

/** Common part of every option: no animation, background, title, aria description. */
function base(title: string, description: string, style: ReportChartStyle, decal = false): EChartsOption {
  return {
    animation: false,
    backgroundColor: palette(style).background,
    textStyle: { fontSize: 13 },
    ...(style.showTitle === false ? {} : { title: { text: title, left: 'center', textStyle: { fontSize: 15 } } }),
    aria: { enabled: true, label: { enabled: true, description }, decal: { show: decal } },
  };
}

/** Top margin: room for the title when drawn. */
function top(style: ReportChartStyle, extra = 0): number {
  return (style.showTitle === false ? 16 : 44) + extra;
}

/** A ratio as a whole percentage ("83 %"), or the no-data label. */
export function formatPercent(ratio: number | null, noData: string): string {
  return ratio === null ? noData : `${Math.round(ratio * 100)} %`;
}

/** A duration in seconds, the same in French and English: "45 s", "2 min 05 s", "1 h 05". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest === 0 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 60)} min ${String(rest).padStart(2, '0')} s`;
  }
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
}

/** Label of a histogram bucket: "30 s – 1 min", or "≥ 10 min" for the open-ended last one. */
export function bucketLabel(bucket: DurationSummary['histogram'][number]): string {
  return bucket.toS === null ? `≥ ${formatDuration(bucket.fromS)}` : `${formatDuration(bucket.fromS)} – ${formatDuration(bucket.toS)}`;
}

/** Alerts per event type, most frequent first. */
export function eventsByTypeChart(stats: TrialStatistics, labels: ReportChartLabels, style: ReportChartStyle = {}): EChartsOption {
  const rows = [...stats.events.byType].sort((a, b) => b.count - a.count);
  const p = palette(style);
  const title = labels.titles.eventsByType;
  return {
    ...base(title, `${title}. ${rows.map((r) => `${labels.typeName(r.type)} : ${r.count}`).join(' ; ')}`, style),
    grid: { left: 16, right: 40, top: top(style), bottom: 16 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    // Horizontal bars: long French type names stay readable.
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => labels.typeName(r.type)) },
    xAxis: { type: 'value', name: labels.alerts, nameLocation: 'middle', nameGap: 28, minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: labels.alerts,
        data: rows.map((r) => r.count),
        itemStyle: { color: p.primary },
        label: { show: true, position: 'right' },
      },
    ],
  };
}

/** Alerts per local weekday (rows, Monday on top) and hour (columns): the 168 cells of the model. */
export function weekdayHourHeatmapChart(stats: TrialStatistics, labels: ReportChartLabels, style: ReportChartStyle = {}): EChartsOption {
  const p = palette(style);
  const cells = stats.events.byWeekdayHour;
  const max = cells.reduce((m, c) => Math.max(m, c.count), 0);
  const busiest = cells.reduce<(typeof cells)[number] | null>((b, c) => (c.count > 0 && (!b || c.count > b.count) ? c : b), null);
  const title = labels.titles.weekdayHour;
  const day = (weekday: number) => labels.weekdays[weekday] ?? String(weekday);
  return {
    ...base(title, busiest ? `${title}. ${labels.peak} : ${day(busiest.weekday)} ${busiest.hour} h (${busiest.count})` : `${title}. 0`, style),
    grid: { left: 16, right: 16, top: top(style), bottom: 76 },
    tooltip: {
      position: 'top',
      formatter: (param) => {
        const c = cells[(Array.isArray(param) ? param[0] : param)?.dataIndex ?? -1];
        return c ? `${day(c.weekday)} ${c.hour} h – ${c.hour + 1} h : ${c.count}` : '';
      },
    },
    xAxis: { type: 'category', name: labels.hour, nameLocation: 'middle', nameGap: 26, data: Array.from({ length: 24 }, (_, h) => String(h)), splitArea: { show: true } },
    yAxis: { type: 'category', inverse: true, data: [0, 1, 2, 3, 4, 5, 6].map(day), splitArea: { show: true } },
    visualMap: {
      type: 'continuous',
      min: 0,
      // A period without alerts still gets a valid scale.
      max: Math.max(max, 1),
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 4,
      itemHeight: 160,
      inRange: { color: [...p.ramp] },
    },
    series: [
      {
        type: 'heatmap',
        name: labels.alerts,
        data: cells.map((c) => [c.hour, c.weekday, c.count]),
        label: {
          show: true,
          fontSize: 10,
          color: p.cellText,
          textBorderColor: p.cellTextBorder,
          textBorderWidth: 2,
          // Zero cells stay blank so the busy hours stand out.
          formatter: (param) => {
            const count = cells[param.dataIndex]?.count ?? 0;
            return count > 0 ? String(count) : '';
          },
        },
      },
    ],
  };
}

/** Weekly precision (true alerts / (true alerts + false alarms)); a week without qualified alerts is a gap. */
export function precisionTrendChart(stats: TrialStatistics, labels: ReportChartLabels, style: ReportChartStyle = {}): EChartsOption {
  const p = palette(style);
  const weeks = stats.qualification.trend;
  const title = labels.titles.precisionTrend;
  return {
    ...base(title, `${title}. ${weeks.map((w) => `${w.week} : ${formatPercent(w.precision, labels.noData)}`).join(' ; ')}`, style),
    // Room above the plot for the y axis name.
    grid: { left: 16, right: 24, top: top(style, 16), bottom: 16 },
    tooltip: {
      trigger: 'axis',
      formatter: (params) => {
        const w = weeks[(Array.isArray(params) ? params[0] : params)?.dataIndex ?? -1];
        if (!w) return '';
        return [
          `${labels.week} ${w.week}`,
          `${labels.precision} : ${formatPercent(w.precision, labels.noData)}`,
          `${labels.trueAlerts} : ${w.trueAlerts}`,
          `${labels.falseAlarms} : ${w.falseAlarms}`,
          `${labels.duplicates} : ${w.duplicates}`,
          `${labels.unqualified} : ${w.unqualified}`,
        ].join('<br/>');
      },
    },
    xAxis: { type: 'category', name: labels.week, nameLocation: 'middle', nameGap: 28, data: weeks.map((w) => w.week) },
    yAxis: { type: 'value', min: 0, max: 1, name: labels.precision, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)} %` } },
    series: [
      {
        type: 'line',
        name: labels.precision,
        data: weeks.map((w) => w.precision),
        connectNulls: false,
        symbol: 'circle',
        symbolSize: 8,
        lineStyle: { width: 3, color: p.primary },
        itemStyle: { color: p.primary },
      },
    ],
  };
}

/** Index of the histogram bucket holding a duration (the last one is open-ended). */
function bucketOf(histogram: DurationSummary['histogram'], seconds: number): number {
  const i = histogram.findIndex((b) => seconds >= b.fromS && (b.toS === null || seconds < b.toS));
  return i === -1 ? histogram.length - 1 : i;
}

/** Histogram of the time from an alert to its first acknowledgement, with the median and the 90th percentile marked. */
export function timeToAckChart(stats: TrialStatistics, labels: ReportChartLabels, style: ReportChartStyle = {}): EChartsOption {
  const p = palette(style);
  const summary = stats.responseTimes.toAcknowledge;
  const buckets = summary.histogram;
  const title = labels.titles.timeToAck;
  // Both labels above their line, the 90th percentile's higher up, so they never overlap (same or adjacent buckets).
  const marks: { name: string; xAxis: number; label: { formatter: string; position: 'end'; distance: number }; lineStyle: { type: 'solid' | 'dashed'; color: string; width: number } }[] = [];
  if (summary.medianS !== null && buckets.length > 0)
    marks.push({ name: labels.median, xAxis: bucketOf(buckets, summary.medianS), label: { formatter: `${labels.median} ${formatDuration(summary.medianS)}`, position: 'end', distance: 4 }, lineStyle: { type: 'solid', color: p.marker, width: 2 } });
  if (summary.p90S !== null && buckets.length > 0)
    marks.push({ name: labels.p90, xAxis: bucketOf(buckets, summary.p90S), label: { formatter: `${labels.p90} ${formatDuration(summary.p90S)}`, position: 'end', distance: 22 }, lineStyle: { type: 'dashed', color: p.marker, width: 2 } });
  const figures = [
    `${labels.acknowledged} : ${summary.count}`,
    `${labels.median} : ${summary.medianS === null ? labels.noData : formatDuration(summary.medianS)}`,
    `${labels.p90} : ${summary.p90S === null ? labels.noData : formatDuration(summary.p90S)}`,
  ];
  return {
    ...base(title, `${title}. ${figures.join(' ; ')}`, style),
    grid: { left: 16, right: 24, top: top(style, 44), bottom: 16 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: buckets.map(bucketLabel), axisLabel: { interval: 0, rotate: buckets.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', name: labels.acknowledged, minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: labels.acknowledged,
        data: buckets.map((b) => b.count),
        barCategoryGap: '8%',
        itemStyle: { color: p.primary },
        markLine: { symbol: 'none', silent: true, data: marks },
      },
    ],
  };
}

/** Share of the period each camera was analysed and recorded; a camera that is not recorded has no second bar. */
export function availabilityChart(stats: TrialStatistics, labels: ReportChartLabels, style: ReportChartStyle = {}): EChartsOption {
  const p = palette(style);
  const rows = stats.availability;
  const title = labels.titles.availability;
  const description = rows
    .map((r) => `${r.camera} : ${labels.analysed} ${formatPercent(r.analysedShare, labels.noData)}, ${labels.recorded} ${formatPercent(r.recordingCoverage, labels.noData)}`)
    .join(' ; ');
  const percent = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100)} %` : '');
  return {
    // Patterns tell the two series apart on a black-and-white printout; the screen has colour.
    ...base(title, `${title}. ${description}`, style, !style.dark),
    legend: { bottom: 0 },
    grid: { left: 16, right: 24, top: top(style), bottom: 40 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => percent(v) || labels.noData },
    xAxis: { type: 'category', data: rows.map((r) => r.camera), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)} %` } },
    series: [
      { type: 'bar', name: labels.analysed, data: rows.map((r) => r.analysedShare), itemStyle: { color: p.primary }, label: { show: true, position: 'top', formatter: (x) => percent(x.value) } },
      { type: 'bar', name: labels.recorded, data: rows.map((r) => r.recordingCoverage), itemStyle: { color: p.secondary }, label: { show: true, position: 'top', formatter: (x) => percent(x.value) } },
    ],
  };
}
