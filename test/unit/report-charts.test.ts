import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import {
  availabilityChart,
  bucketLabel,
  eventsByTypeChart,
  formatDuration,
  precisionTrendChart,
  timeToAckChart,
  weekdayHourHeatmapChart,
  type ReportChartLabels,
} from '../../src/reports/charts.js';
import type { Qualification, TrialStatistics } from '../../src/reports/types.js';

const LABELS: ReportChartLabels = {
  titles: { eventsByType: 'Alertes par type', weekdayHour: 'Alertes par jour et heure', precisionTrend: 'Précision par semaine', timeToAck: 'Délai de prise en compte', availability: 'Disponibilité des caméras' },
  typeName: (type) => ({ intrusion: 'Intrusion', gathering: 'Attroupement', fire: 'Départ de feu' })[type] ?? type,
  weekdays: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
  alerts: 'Alertes',
  hour: 'Heure',
  week: 'Semaine du',
  precision: 'Précision',
  trueAlerts: 'Vraies alertes',
  falseAlarms: 'Fausses alertes',
  duplicates: 'Doublons',
  unqualified: 'Non qualifiées',
  acknowledged: 'Alertes prises en compte',
  median: 'Médiane',
  p90: '90e centile',
  analysed: 'Analysée',
  recorded: 'Enregistrée',
  noData: 'pas de données',
  peak: 'Pic',
};

const q = (trueAlerts: number, falseAlarms: number, duplicates = 0, unqualified = 0): Qualification => ({
  events: trueAlerts + falseAlarms + duplicates + unqualified,
  trueAlerts,
  falseAlarms,
  duplicates,
  unqualified,
  precision: trueAlerts + falseAlarms === 0 ? null : trueAlerts / (trueAlerts + falseAlarms),
});

/** A model as the API returns it: 9 alerts, Tuesday 14 h the busiest slot, a week without qualified alerts. */
function stats(): TrialStatistics {
  const byWeekdayHour = [];
  for (let weekday = 0; weekday < 7; weekday++) for (let hour = 0; hour < 24; hour++) byWeekdayHour.push({ weekday, hour, count: weekday === 1 && hour === 14 ? 5 : weekday === 5 && hour === 2 ? 4 : 0 });
  return {
    query: { from: '2026-10-05T00:00:00+02:00', to: '2026-10-26T00:00:00+01:00', cameras: null, timeZone: 'Europe/Paris' },
    generatedAt: '2026-10-26T08:00:00Z',
    days: 21,
    events: {
      total: 9,
      byType: [
        { type: 'gathering', count: 2 },
        { type: 'intrusion', count: 6 },
        { type: 'fire', count: 1 },
      ],
      byCamera: [{ camera: 'parvis', count: 9 }],
      byDay: [],
      byWeekdayHour,
    },
    qualification: {
      overall: q(5, 2, 1, 1),
      perRule: [],
      perCamera: [],
      trend: [
        { week: '2026-10-05', ...q(3, 1) },
        { week: '2026-10-12', ...q(0, 0, 0, 1) },
        { week: '2026-10-19', ...q(2, 1, 1) },
      ],
    },
    responseTimes: {
      toAcknowledge: {
        count: 8,
        medianS: 42,
        p90S: 610,
        histogram: [
          { fromS: 0, toS: 30, count: 3 },
          { fromS: 30, toS: 60, count: 2 },
          { fromS: 60, toS: 300, count: 2 },
          { fromS: 300, toS: 600, count: 0 },
          { fromS: 600, toS: null, count: 1 },
        ],
      },
      toDispatch: { count: 0, medianS: null, p90S: null, histogram: [] },
    },
    workload: [],
    shadow: [],
    availability: [
      { camera: 'parvis', analysedShare: 0.987, recordingCoverage: 0.95 },
      { camera: 'gare', analysedShare: 0.5, recordingCoverage: null },
    ],
    incidents: { total: 0, byType: [], onAiCameras: 0, detectedByAi: 0, recall: null, onOtherCameras: 0 },
  };
}

/** The option as plain data (series, axes are arrays or objects depending on the option). */
type Loose = Record<string, unknown> & { series: Record<string, unknown>[] };
const loose = (o: unknown) => o as Loose;
const one = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Record<string, unknown>;
/** The text screen readers get for the chart. */
const description = (o: Loose) => (one(o.aria).label as { description: string }).description;

/** Draws the option as SSR SVG, as the printed report does: ECharts must accept it. */
function render(option: echarts.EChartsOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 800, height: 400 });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

describe('report chart builders', () => {
  it('every option is static (no animation), described for screen readers and drawable server-side', () => {
    const s = stats();
    for (const build of [eventsByTypeChart, weekdayHourHeatmapChart, precisionTrendChart, timeToAckChart, availabilityChart]) {
      const option = build(s, LABELS);
      expect(option.animation).toBe(false);
      expect(one(option.aria).enabled).toBe(true);
      const svg = render(option);
      expect(svg).toMatch(/^<svg/);
      // The title is drawn by default (print); the console asks for none.
      expect(svg).toContain(one(build(s, LABELS).title).text as string);
      expect(build(s, LABELS, { showTitle: false }).title).toBeUndefined();
    }
  });

  it('events by type: one bar per type, most frequent first, with the translated names', () => {
    const o = loose(eventsByTypeChart(stats(), LABELS));
    expect(one(o.yAxis).data).toEqual(['Intrusion', 'Attroupement', 'Départ de feu']);
    expect(o.series[0]!.data).toEqual([6, 2, 1]);
    expect(description(o)).toContain('Intrusion : 6');
  });

  it('heat map: the 168 weekday x hour cells, Monday first with the given day names', () => {
    const s = stats();
    const o = loose(weekdayHourHeatmapChart(s, LABELS));
    const data = o.series[0]!.data as [number, number, number][];
    expect(data).toHaveLength(168);
    expect(data).toContainEqual([14, 1, 5]);
    expect(data).toContainEqual([2, 5, 4]);
    expect(data.reduce((sum, [, , c]) => sum + c, 0)).toBe(9);
    expect(one(o.yAxis).data).toEqual(LABELS.weekdays);
    expect(one(o.xAxis).data).toHaveLength(24);
    expect(one(o.visualMap).max).toBe(5);
    expect(description(o)).toContain('Pic : mardi 14 h (5)');
  });

  it('heat map of a period without alerts still has a valid colour scale', () => {
    const s = stats();
    const empty = { ...s, events: { ...s.events, byWeekdayHour: s.events.byWeekdayHour.map((c) => ({ ...c, count: 0 })) } };
    expect(one(loose(weekdayHourHeatmapChart(empty, LABELS)).visualMap).max).toBe(1);
  });

  it('precision trend: the weekly precision of the model, a gap for a week without qualified alerts, counts in the tooltip', () => {
    const o = loose(precisionTrendChart(stats(), LABELS));
    expect(one(o.xAxis).data).toEqual(['2026-10-05', '2026-10-12', '2026-10-19']);
    expect(o.series[0]!.data).toEqual([0.75, null, 2 / 3]);
    const formatter = one(o.tooltip).formatter as (p: unknown) => string;
    const text = formatter([{ dataIndex: 2 }]);
    expect(text).toContain('Précision : 67 %');
    expect(text).toContain('Vraies alertes : 2');
    expect(text).toContain('Fausses alertes : 1');
    expect(text).toContain('Doublons : 1');
    expect(formatter([{ dataIndex: 1 }])).toContain('Précision : pas de données');
  });

  it('time to acknowledge: the histogram counts, the median and the 90th percentile marked in their buckets', () => {
    const o = loose(timeToAckChart(stats(), LABELS));
    expect(one(o.xAxis).data).toEqual(['0 s – 30 s', '30 s – 1 min', '1 min – 5 min', '5 min – 10 min', '≥ 10 min']);
    expect(o.series[0]!.data).toEqual([3, 2, 2, 0, 1]);
    const marks = (o.series[0]!.markLine as { data: { xAxis: number; label: { formatter: string } }[] }).data;
    expect(marks.map((m) => [m.xAxis, m.label.formatter])).toEqual([
      [1, 'Médiane 42 s'],
      [4, '90e centile 10 min 10 s'],
    ]);
  });

  it('time to acknowledge without any acknowledgement: no marks', () => {
    const s = stats();
    const none = { ...s, responseTimes: { ...s.responseTimes, toAcknowledge: { count: 0, medianS: null, p90S: null, histogram: s.responseTimes.toAcknowledge.histogram.map((b) => ({ ...b, count: 0 })) } } };
    const o = loose(timeToAckChart(none, LABELS));
    expect((o.series[0]!.markLine as { data: unknown[] }).data).toEqual([]);
    expect(description(o)).toContain('Médiane : pas de données');
  });

  it('availability: analysed and recorded shares per camera, no bar for a camera that is not recorded', () => {
    const o = loose(availabilityChart(stats(), LABELS));
    expect(one(o.xAxis).data).toEqual(['parvis', 'gare']);
    expect(o.series.map((s) => [s.name, s.data])).toEqual([
      ['Analysée', [0.987, 0.5]],
      ['Enregistrée', [0.95, null]],
    ]);
    expect(description(o)).toContain('gare : Analysée 50 %, Enregistrée pas de données');
  });

  it('formats durations and buckets the same in French and English', () => {
    expect([formatDuration(0), formatDuration(59.6), formatDuration(120), formatDuration(125), formatDuration(3900)]).toEqual(['0 s', '1 min', '2 min', '2 min 05 s', '1 h 05']);
    expect(bucketLabel({ fromS: 600, toS: null, count: 0 })).toBe('≥ 10 min');
  });
});
