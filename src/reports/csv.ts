/**
 * The report's tables (one per chart or table of the report) and their CSV
 * form, for the console's downloads and `vigie report --format csv`.
 */
import type { DurationSummary, Qualification, TrialStatistics } from './types.js';

export const REPORT_TABLE_NAMES = [
  'by_type',
  'by_camera',
  'by_day',
  'weekday_hour',
  'precision_by_rule',
  'precision_by_camera',
  'precision_trend',
  'time_to_ack',
  'time_to_dispatch',
  'workload',
  'shadow',
  'availability',
  'incidents',
] as const;
export type ReportTableName = (typeof REPORT_TABLE_NAMES)[number];

export type Cell = string | number | null;

export interface ReportTable {
  readonly name: ReportTableName;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

const QUALIFICATION_COLUMNS = ['events', 'true_alerts', 'false_alarms', 'duplicates', 'unqualified', 'precision'] as const;
const qualificationCells = (q: Qualification): Cell[] => [q.events, q.trueAlerts, q.falseAlarms, q.duplicates, q.unqualified, q.precision];

/** A duration summary as `statistic, from_s, to_s, value` rows: count, median, p90, then one row per histogram bucket. */
function durationRows(d: DurationSummary): Cell[][] {
  return [['count', null, null, d.count], ['median_s', null, null, d.medianS], ['p90_s', null, null, d.p90S], ...d.histogram.map((b) => ['bucket', b.fromS, b.toS, b.count])];
}

/** Every table of the report, in REPORT_TABLE_NAMES order. Ratios are 0..1; null (no data) is an empty cell. */
export function reportTables(s: TrialStatistics): ReportTable[] {
  const i = s.incidents;
  return [
    { name: 'by_type', columns: ['type', 'events'], rows: s.events.byType.map((r) => [r.type, r.count]) },
    { name: 'by_camera', columns: ['camera', 'events'], rows: s.events.byCamera.map((r) => [r.camera, r.count]) },
    { name: 'by_day', columns: ['day', 'events'], rows: s.events.byDay.map((r) => [r.day, r.count]) },
    { name: 'weekday_hour', columns: ['weekday', 'hour', 'events'], rows: s.events.byWeekdayHour.map((r) => [r.weekday, r.hour, r.count]) },
    { name: 'precision_by_rule', columns: ['camera', 'rule', 'type', ...QUALIFICATION_COLUMNS], rows: s.qualification.perRule.map((r) => [r.camera, r.rule, r.type, ...qualificationCells(r)]) },
    { name: 'precision_by_camera', columns: ['camera', ...QUALIFICATION_COLUMNS], rows: s.qualification.perCamera.map((r) => [r.camera, ...qualificationCells(r)]) },
    { name: 'precision_trend', columns: ['week', ...QUALIFICATION_COLUMNS], rows: s.qualification.trend.map((r) => [r.week, ...qualificationCells(r)]) },
    { name: 'time_to_ack', columns: ['statistic', 'from_s', 'to_s', 'value'], rows: durationRows(s.responseTimes.toAcknowledge) },
    { name: 'time_to_dispatch', columns: ['statistic', 'from_s', 'to_s', 'value'], rows: durationRows(s.responseTimes.toDispatch) },
    {
      name: 'workload',
      columns: ['user_id', 'username', 'events_handled', 'active_hours', 'per_active_hour'],
      rows: s.workload.map((w) => [w.userId, w.username, w.eventsHandled, w.activeHours, w.perActiveHour]),
    },
    { name: 'shadow', columns: ['camera', 'rule', 'type', 'would_be_alerts', 'per_day'], rows: s.shadow.map((r) => [r.camera, r.rule, r.type, r.wouldBeAlerts, r.perDay]) },
    { name: 'availability', columns: ['camera', 'analysed_share', 'recording_coverage'], rows: s.availability.map((a) => [a.camera, a.analysedShare, a.recordingCoverage]) },
    {
      name: 'incidents',
      columns: ['statistic', 'type', 'value'],
      rows: [
        ['total', null, i.total],
        ['on_ai_cameras', null, i.onAiCameras],
        ['detected_by_ai', null, i.detectedByAi],
        ['recall', null, i.recall],
        ['on_other_cameras', null, i.onOtherCameras],
        ...i.byType.map((t): Cell[] => ['by_type', t.type, t.count]),
      ],
    },
  ];
}

/** A spreadsheet would run a text cell starting with these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: numbers with '.' decimals, text quoted when needed (RFC 4180) and defused with a leading ' when it could be read as a formula. */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV (RFC 4180: comma separator, header row, CRLF line ends). */
export function tableCsv(table: ReportTable): string {
  return [table.columns, ...table.rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
