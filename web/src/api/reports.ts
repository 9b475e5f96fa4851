/**
 * The trial report and the incident log as the console reads them
 * (`/api/reports/*`, `/api/incidents`, docs/REPORTS.md): periods, query
 * strings and CSV links. No React here, so unit tests can import it.
 */
import type { EventType } from '../../../src/contracts/event.js';
export type { PeriodComparison, TrialStatistics } from '../../../src/reports/types.js';

/** A period `[from, to)`, ISO 8601 UTC. */
export interface Period {
  from: string;
  to: string;
}

export type PeriodPreset = 'thisMonth' | 'lastMonth' | 'last30' | 'custom';

/** The preset periods in the browser's local time: calendar months start at local midnight on the 1st. */
export function presetPeriod(preset: Exclude<PeriodPreset, 'custom'>, now: Date): Period {
  const monthStart = (offset: number) => new Date(now.getFullYear(), now.getMonth() + offset, 1);
  switch (preset) {
    case 'thisMonth':
      return { from: monthStart(0).toISOString(), to: now.toISOString() };
    case 'lastMonth':
      return { from: monthStart(-1).toISOString(), to: monthStart(0).toISOString() };
    case 'last30':
      return { from: new Date(now.getTime() - 30 * 86_400_000).toISOString(), to: now.toISOString() };
  }
}

/** `from=…&to=…&cameras=a,b` (no `cameras` for every camera). */
export function reportQuery(period: Period, cameras: readonly string[]): string {
  const q = new URLSearchParams({ from: period.from, to: period.to });
  if (cameras.length > 0) q.set('cameras', cameras.join(','));
  return q.toString();
}

export function compareQuery(before: Period, after: Period, cameras: readonly string[]): string {
  const q = new URLSearchParams({ before_from: before.from, before_to: before.to, after_from: after.from, after_to: after.to });
  if (cameras.length > 0) q.set('cameras', cameras.join(','));
  return q.toString();
}

/** The tables of `GET /api/reports/trial/:table.csv`. */
export type ReportTable =
  | 'by_type'
  | 'by_camera'
  | 'by_day'
  | 'weekday_hour'
  | 'precision_by_rule'
  | 'precision_by_camera'
  | 'precision_trend'
  | 'time_to_ack'
  | 'time_to_dispatch'
  | 'workload'
  | 'shadow'
  | 'availability'
  | 'incidents';

export function reportCsvHref(table: ReportTable, period: Period, cameras: readonly string[]): string {
  return `/api/reports/trial/${table}.csv?${reportQuery(period, cameras)}`;
}

/** One monthly report of `GET /api/reports/monthly`. */
export interface MonthlyReport {
  month: string;
  generated_at: string;
  files: { format: 'html' | 'pdf' | 'csv'; bytes: number; download: string }[];
}

/** An incident logged by hand in the "main courante" (the facts, never the people): `{ item }` / `{ items }` of `/api/incidents`. */
export interface Incident {
  id: string;
  occurredAt: string;
  camera: string | null;
  place: string | null;
  type: IncidentType;
  description: string;
  eventId: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type IncidentType = EventType | 'other';

/** Body of `POST /api/incidents` and `PATCH /api/incidents/:id`: a camera id, or null with a place. */
export interface IncidentInput {
  occurredAt: string;
  camera: string | null;
  place: string | null;
  type: IncidentType;
  description: string;
  eventId: string | null;
}

/** `?from=…&to=…&camera=…` of the incident list. */
export function incidentQuery(period: Period, camera: string | null): string {
  const q = new URLSearchParams({ from: period.from, to: period.to });
  if (camera) q.set('camera', camera);
  return q.toString();
}

/** A change between two periods: the difference, and the relative one when the first is not 0. */
export function difference(before: number | null, after: number | null): { delta: number | null; relative: number | null } {
  if (before === null || after === null) return { delta: null, relative: null };
  return { delta: after - before, relative: before === 0 ? null : (after - before) / before };
}
