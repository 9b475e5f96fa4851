/**
 * The trial statistics from plain rows (pure: no database, no clock). `load.ts`
 * reads the rows; docs/REPORTS.md defines every figure computed here.
 */
import { localDays, localTime, localWeeks, mondayOf } from './local-time.js';
import { summariseDurations } from './percentiles.js';
import { coveredMs, type Span } from './spans.js';
import type { CameraAvailability, CameraQualification, OperatorWorkload, Qualification, ReportQuery, RuleQualification, ShadowRuleRate, TrialStatistics } from './types.js';

/** An event of the period (start in [from, to)) on a camera of the query. */
export interface ReportEventRow {
  readonly id: string;
  readonly camera: string;
  readonly rule: string;
  readonly type: string;
  readonly startAt: string;
  readonly shadow: boolean;
  /** The latest qualification (`true_alert`, `false_alarm`, `duplicate`) or null. */
  readonly qualification: string | null;
  /** First acknowledgement (explicit, or implied by the first action) and first dispatch. */
  readonly acknowledgedAt: string | null;
  readonly dispatchedAt: string | null;
}

/** An operator action on one of the events. */
export interface ReportActionRow {
  readonly eventId: string;
  readonly kind: string;
  readonly userId: string;
  readonly createdAt: string;
}

export interface ReportIncidentRow {
  readonly occurredAt: string;
  readonly camera: string | null;
  readonly type: string;
  readonly eventId: string | null;
}

/** A camera of the configuration in force, as the report needs it. */
export interface ReportCamera {
  readonly id: string;
  /** `recording.enabled`. */
  readonly recorded: boolean;
  /** Types of its enabled, active (not shadow), alerting (not statistics-only) rules. */
  readonly aiTypes: readonly string[];
  /** Its rules in shadow mode (listed in `shadow` even without events). */
  readonly shadowRules: readonly { readonly rule: string; readonly type: string }[];
}

export interface ReportRows {
  readonly events: readonly ReportEventRow[];
  readonly actions: readonly ReportActionRow[];
  readonly users: readonly { readonly id: string; readonly username: string }[];
  /** Uptime spans overlapping the period; `uptimeTracked` false when no span was ever written before the period's end. */
  readonly uptime: readonly { readonly camera: string; readonly from: string; readonly to: string }[];
  readonly uptimeTracked: boolean;
  readonly segments: readonly { readonly camera: string; readonly start: string; readonly end: string }[];
  readonly incidents: readonly ReportIncidentRow[];
  readonly cameras: readonly ReportCamera[];
}

const DAY_MS = 86_400_000;
const HANDLING_KINDS: ReadonlySet<string> = new Set(['ack', 'qualify', 'dispatch']);

const ms = (iso: string): number => Date.parse(iso);
const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Counts of `keys`, most frequent first, ties by key. */
function countBy(keys: readonly string[]): { key: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || byText(a.key, b.key));
}

export function qualify(events: readonly ReportEventRow[]): Qualification {
  const n = (q: string): number => events.filter((e) => e.qualification === q).length;
  const trueAlerts = n('true_alert');
  const falseAlarms = n('false_alarm');
  const duplicates = n('duplicate');
  return { events: events.length, trueAlerts, falseAlarms, duplicates, unqualified: events.length - trueAlerts - falseAlarms - duplicates, precision: ratio(trueAlerts, trueAlerts + falseAlarms) };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The cameras a report covers: the query's, else those of the configuration then any other camera with events, by id. */
export function camerasInScope(query: ReportQuery, rows: Pick<ReportRows, 'cameras' | 'events'>): string[] {
  if (query.cameras !== null) return [...query.cameras];
  const configured = rows.cameras.map((c) => c.id);
  const known = new Set(configured);
  const past = [...new Set(rows.events.map((e) => e.camera))].filter((c) => !known.has(c)).sort(byText);
  return [...configured, ...past];
}

function workload(events: readonly ReportEventRow[], rows: ReportRows, timeZone: string): OperatorWorkload[] {
  const eventIds = new Set(events.map((e) => e.id));
  const names = new Map(rows.users.map((u) => [u.id, u.username] as const));
  const actions = rows.actions.filter((a) => eventIds.has(a.eventId));
  return [...groupBy(actions, (a) => a.userId)]
    .map(([userId, mine]) => {
      const eventsHandled = new Set(mine.filter((a) => HANDLING_KINDS.has(a.kind)).map((a) => a.eventId)).size;
      const activeHours = new Set(
        mine.map((a) => {
          const t = localTime(ms(a.createdAt), timeZone);
          return `${t.day} ${t.hour}`;
        }),
      ).size;
      return { userId, username: names.get(userId) ?? userId, eventsHandled, activeHours, perActiveHour: ratio(eventsHandled, activeHours) };
    })
    .sort((a, b) => b.eventsHandled - a.eventsHandled || byText(a.username, b.username));
}

function shadowRates(events: readonly ReportEventRow[], rows: ReportRows, scope: readonly string[], days: number): ShadowRuleRate[] {
  const inScope = new Set(scope);
  const rates = new Map<string, { camera: string; rule: string; type: string; wouldBeAlerts: number }>();
  const entry = (camera: string, rule: string, type: string) => {
    const key = `${camera}\u0000${rule}\u0000${type}`;
    let r = rates.get(key);
    if (!r) {
      r = { camera, rule, type, wouldBeAlerts: 0 };
      rates.set(key, r);
    }
    return r;
  };
  for (const cam of rows.cameras) if (inScope.has(cam.id)) for (const r of cam.shadowRules) entry(cam.id, r.rule, r.type);
  for (const e of events) entry(e.camera, e.rule, e.type).wouldBeAlerts += 1;
  return [...rates.values()]
    .map((r) => ({ ...r, perDay: days > 0 ? r.wouldBeAlerts / days : 0 }))
    .sort((a, b) => byText(a.camera, b.camera) || byText(a.rule, b.rule) || byText(a.type, b.type));
}

function availability(rows: ReportRows, scope: readonly string[], fromMs: number, toMs: number): CameraAvailability[] {
  const period = toMs - fromMs;
  const spansOf = (list: readonly { camera: string; from: string; to: string }[], camera: string): Span[] =>
    list.filter((s) => s.camera === camera).map((s) => ({ fromMs: ms(s.from), toMs: ms(s.to) }));
  const segments = rows.segments.map((s) => ({ camera: s.camera, from: s.start, to: s.end }));
  const configured = new Map(rows.cameras.map((c) => [c.id, c] as const));
  return scope.map((camera) => ({
    camera,
    analysedShare: rows.uptimeTracked ? coveredMs(spansOf(rows.uptime, camera), fromMs, toMs) / period : null,
    recordingCoverage: configured.get(camera)?.recorded ? coveredMs(spansOf(segments, camera), fromMs, toMs) / period : null,
  }));
}

function incidents(rows: ReportRows): TrialStatistics['incidents'] {
  const aiTypes = new Map(rows.cameras.map((c) => [c.id, new Set(c.aiTypes)] as const));
  const onAi = rows.incidents.filter((i) => i.camera !== null && (aiTypes.get(i.camera)?.has(i.type) ?? false));
  const detectedByAi = onAi.filter((i) => i.eventId !== null).length;
  return {
    total: rows.incidents.length,
    byType: countBy(rows.incidents.map((i) => i.type)).map(({ key, count }) => ({ type: key, count })),
    onAiCameras: onAi.length,
    detectedByAi,
    recall: ratio(detectedByAi, onAi.length),
    onOtherCameras: rows.incidents.length - onAi.length,
  };
}

/** Every figure of the trial report from the rows of its period. `nowMs` only stamps `generatedAt`. */
export function trialStatistics(query: ReportQuery, rows: ReportRows, nowMs: number): TrialStatistics {
  const fromMs = ms(query.from);
  const toMs = ms(query.to);
  const zone = query.timeZone;
  const days = (toMs - fromMs) / DAY_MS;
  const scope = camerasInScope(query, rows);
  const alerts = rows.events.filter((e) => !e.shadow);
  const local = new Map(alerts.map((e) => [e.id, localTime(ms(e.startAt), zone)] as const));
  const localOf = (e: ReportEventRow) => local.get(e.id) ?? localTime(ms(e.startAt), zone);

  const perCameraCount = new Map<string, number>(scope.map((c) => [c, 0]));
  for (const e of alerts) perCameraCount.set(e.camera, (perCameraCount.get(e.camera) ?? 0) + 1);
  const perDay = new Map<string, number>(localDays(fromMs, toMs, zone).map((d) => [d, 0]));
  const heat = new Array<number>(7 * 24).fill(0);
  for (const e of alerts) {
    const t = localOf(e);
    perDay.set(t.day, (perDay.get(t.day) ?? 0) + 1);
    heat[t.weekday * 24 + t.hour] = (heat[t.weekday * 24 + t.hour] ?? 0) + 1;
  }

  const perRule: RuleQualification[] = [...groupBy(alerts, (e) => `${e.camera}\u0000${e.rule}\u0000${e.type}`).values()]
    .map((list) => {
      const first = list[0] as ReportEventRow;
      return { camera: first.camera, rule: first.rule, type: first.type, ...qualify(list) };
    })
    .sort((a, b) => byText(a.camera, b.camera) || byText(a.rule, b.rule) || byText(a.type, b.type));
  const perCamera: CameraQualification[] = scope.map((camera) => ({ camera, ...qualify(alerts.filter((e) => e.camera === camera)) }));
  const byWeek = groupBy(alerts, (e) => mondayOf(localOf(e).day));
  const trend = localWeeks(fromMs, toMs, zone).map((week) => ({ week, ...qualify(byWeek.get(week) ?? []) }));

  const delaysS = (pick: (e: ReportEventRow) => string | null): number[] =>
    alerts.flatMap((e) => {
      const at = pick(e);
      // A clock set back on the operator's side must not give a negative delay.
      return at === null ? [] : [Math.max(0, (ms(at) - ms(e.startAt)) / 1000)];
    });

  return {
    query,
    generatedAt: new Date(nowMs).toISOString(),
    days,
    events: {
      total: alerts.length,
      byType: countBy(alerts.map((e) => e.type)).map(({ key, count }) => ({ type: key, count })),
      byCamera: [...perCameraCount].map(([camera, count]) => ({ camera, count })).sort((a, b) => b.count - a.count || byText(a.camera, b.camera)),
      byDay: [...perDay].map(([day, count]) => ({ day, count })),
      byWeekdayHour: heat.map((count, i) => ({ weekday: Math.floor(i / 24), hour: i % 24, count })),
    },
    qualification: { overall: qualify(alerts), perRule, perCamera, trend },
    responseTimes: { toAcknowledge: summariseDurations(delaysS((e) => e.acknowledgedAt)), toDispatch: summariseDurations(delaysS((e) => e.dispatchedAt)) },
    workload: workload(alerts, rows, zone),
    shadow: shadowRates(
      rows.events.filter((e) => e.shadow),
      rows,
      scope,
      days,
    ),
    availability: availability(rows, scope, fromMs, toMs),
    incidents: incidents(rows),
  };
}
