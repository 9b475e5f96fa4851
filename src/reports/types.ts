/**
 * The trial statistics: what `GET /api/reports/trial`, the console's report
 * screen, `vigie report` and the monthly report all read. One model, computed
 * once by `src/reports` from the database, rendered by each of them; every
 * figure is defined in docs/REPORTS.md (methodology) so a council member or
 * the CNIL can recompute it.
 *
 * Times are ISO 8601 UTC; days and hours are local to `query.timeZone`.
 * A ratio whose denominator is 0 is null ("no data"), never 0.
 */

export interface ReportQuery {
  /** ISO 8601 with a zone; events with `from <= start < to` are counted. */
  readonly from: string;
  readonly to: string;
  /** Camera ids, or null for every camera. */
  readonly cameras: readonly string[] | null;
  /** IANA zone of days and hours (config `timezone`). */
  readonly timeZone: string;
}

/** Median and 90th percentile of a duration sample, in seconds (nearest-rank percentiles, docs/REPORTS.md). */
export interface DurationSummary {
  readonly count: number;
  readonly medianS: number | null;
  readonly p90S: number | null;
  /** Histogram with fixed edges in seconds (last bucket open-ended: `toS` null). */
  readonly histogram: readonly { readonly fromS: number; readonly toS: number | null; readonly count: number }[];
}

/** Operator qualifications of a set of events. Precision = trueAlerts / (trueAlerts + falseAlarms); duplicates count in neither. */
export interface Qualification {
  readonly events: number;
  readonly trueAlerts: number;
  readonly falseAlarms: number;
  readonly duplicates: number;
  readonly unqualified: number;
  readonly precision: number | null;
}

export interface RuleQualification extends Qualification {
  readonly camera: string;
  readonly rule: string;
  readonly type: string;
}

export interface CameraQualification extends Qualification {
  readonly camera: string;
}

export interface OperatorWorkload {
  readonly userId: string;
  readonly username: string;
  /** Distinct events this operator acknowledged, qualified or dispatched. */
  readonly eventsHandled: number;
  /** Local clock hours (e.g. 14:00-15:00 on a day) in which the operator recorded at least one action. */
  readonly activeHours: number;
  /** eventsHandled / activeHours. */
  readonly perActiveHour: number | null;
}

export interface ShadowRuleRate {
  readonly camera: string;
  readonly rule: string;
  readonly type: string;
  /** Events the rule would have raised (stored with `shadow`, never shown). */
  readonly wouldBeAlerts: number;
  /** wouldBeAlerts per day of the period. */
  readonly perDay: number;
}

export interface CameraAvailability {
  readonly camera: string;
  /** Share of the period during which the camera's analysis was running and receiving frames (0..1), null if unknown. */
  readonly analysedShare: number | null;
  /** Share of the period covered by recorded segments (0..1), null when the camera is not recorded. */
  readonly recordingCoverage: number | null;
}

/** Incidents logged by hand by operators (including those the AI missed): the basis of recall. */
export interface IncidentSummary {
  readonly total: number;
  readonly byType: readonly { readonly type: string; readonly count: number }[];
  /** Incidents on cameras with analytics for that type. */
  readonly onAiCameras: number;
  /** Of those, linked to an event Vigie raised. */
  readonly detectedByAi: number;
  /** detectedByAi / onAiCameras. */
  readonly recall: number | null;
  /** Incidents on cameras without analytics for that type (the comparison group). */
  readonly onOtherCameras: number;
}

export interface TrialStatistics {
  readonly query: ReportQuery;
  readonly generatedAt: string;
  /** Days in the period (may be fractional). */
  readonly days: number;
  readonly events: {
    /** Alerts shown to operators (shadow events excluded; they are in `shadow`). */
    readonly total: number;
    readonly byType: readonly { readonly type: string; readonly count: number }[];
    readonly byCamera: readonly { readonly camera: string; readonly count: number }[];
    /** One entry per local day of the period, zeros included. */
    readonly byDay: readonly { readonly day: string; readonly count: number }[];
    /** Heat map: local weekday (0 = Monday) x hour (0..23), all 168 cells. */
    readonly byWeekdayHour: readonly { readonly weekday: number; readonly hour: number; readonly count: number }[];
  };
  readonly qualification: {
    readonly overall: Qualification;
    readonly perRule: readonly RuleQualification[];
    readonly perCamera: readonly CameraQualification[];
    /** Precision per local ISO week (Monday start, `YYYY-MM-DD` of the Monday). */
    readonly trend: readonly ({ readonly week: string } & Qualification)[];
  };
  readonly responseTimes: {
    /** From event start to its first acknowledgement. */
    readonly toAcknowledge: DurationSummary;
    /** From event start to its first dispatch. */
    readonly toDispatch: DurationSummary;
  };
  readonly workload: readonly OperatorWorkload[];
  readonly shadow: readonly ShadowRuleRate[];
  readonly availability: readonly CameraAvailability[];
  readonly incidents: IncidentSummary;
}

/** Two periods side by side (before/after a change), same cameras. */
export interface PeriodComparison {
  readonly before: TrialStatistics;
  readonly after: TrialStatistics;
}
