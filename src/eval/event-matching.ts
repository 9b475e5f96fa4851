import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../contracts/event.js';
import { assignWithLimit, costMatrix } from '../vision/track/assignment.js';

/** Seconds by which an event may miss its annotation and still match it. */
export const DEFAULT_MATCH_TOLERANCE_S = 2;

/** One annotated occurrence: something of `type` happened from `start` to `end` (seconds of the video). */
export const annotationSchema = z
  .object({
    type: z.enum(EVENT_TYPES, { error: () => `unknown type: use one of ${EVENT_TYPES.join(', ')}` }),
    start: z.number().min(0),
    end: z.number().min(0),
    camera: z.string().min(1).optional(),
    note: z.string().optional(),
  })
  .strict()
  .refine((a) => a.end >= a.start, { message: 'end is before start', path: ['end'] });

export const annotationsSchema = z.array(annotationSchema);
export type Annotation = z.infer<typeof annotationSchema>;

/** What matching needs of an event (a VigieEvent fits). */
export interface ScoredEvent {
  readonly type: EventType;
  readonly camera?: string;
  /** Id of the rule that raised it, when known: scored per rule too. */
  readonly rule?: string;
  readonly start: number;
  /** null while open: taken as `start`. */
  readonly end: number | null;
}

/** Counts and rates of one group of events against the annotations of their type. */
export interface MatchScore {
  readonly annotations: number;
  readonly events: number;
  /** Events matched to an annotation. */
  readonly tp: number;
  /** Events matched to no annotation. */
  readonly fp: number;
  /** Annotations matched by no event. */
  readonly fn: number;
  /** Of the false positives, those overlapping an annotation another event already matched (one situation split in two). */
  readonly duplicates: number;
  /** null when there is no event (nothing to be precise about). */
  readonly precision: number | null;
  /** null when there is no annotation. */
  readonly recall: number | null;
  readonly f1: number | null;
}

export interface TypeScore extends MatchScore {
  readonly type: EventType;
}

/** One rule's events against every annotation of the rule's type (another rule of that type may cover some). */
export interface RuleScore extends MatchScore {
  readonly rule: string;
  readonly type: EventType;
}

/** Label of the confusion table's row and column for "no event" and "no annotation". */
export const NONE = 'none';
export type ConfusionLabel = EventType | typeof NONE;

/**
 * Events by type (rows) against annotations by type (columns). Each event counts
 * once: in its own type's column when it overlaps an annotation of its type
 * (matched or duplicate), else in the column of the other type it overlaps most,
 * else in `none`. The `none` row counts annotations no event of any type overlaps.
 */
export interface ConfusionTable {
  /** Row and column labels: the types present, in EVENT_TYPES order, then `none`. */
  readonly labels: readonly ConfusionLabel[];
  /** cells[row][column], indexed like `labels`; cells[none][none] is always 0. */
  readonly cells: readonly (readonly number[])[];
}

export interface EventScores {
  readonly toleranceS: number;
  /** One row per type present in the annotations or the events, in EVENT_TYPES order. */
  readonly perType: readonly TypeScore[];
  /** One row per rule id the events carry, sorted by type then id; empty when events name no rule. */
  readonly perRule: readonly RuleScore[];
  readonly confusion: ConfusionTable;
}

/** Overlap in seconds of [a0, a1] and [b0, b1] once each is widened by `tol`; negative when they miss. */
function overlapS(a0: number, a1: number, b0: number, b1: number, tol: number): number {
  return Math.min(a1, b1 + tol) - Math.max(a0, b0 - tol);
}

/** Overlap of an event and an annotation within `tol`; -1 when their cameras differ (both named). */
function eventOverlap(e: ScoredEvent, a: Annotation, tol: number): number {
  if (a.camera !== undefined && e.camera !== undefined && a.camera !== e.camera) return -1;
  return overlapS(e.start, e.end ?? e.start, a.start, a.end, tol);
}

/** Optimal one-to-one matching of events to annotations (all of one type). */
function matchGroup(gt: readonly Annotation[], res: readonly ScoredEvent[], toleranceS: number): MatchScore {
  // Cost 0..1 for admissible pairs (more overlap = cheaper); the limit 2 keeps every admissible pair worth matching.
  const matrix = costMatrix(res.length, gt.length, 10);
  const longest = Math.max(1, ...gt.map((a) => a.end - a.start + 2 * toleranceS), ...res.map((e) => (e.end ?? e.start) - e.start + 2 * toleranceS));
  res.forEach((e, i) =>
    gt.forEach((a, j) => {
      const o = eventOverlap(e, a, toleranceS);
      if (o >= 0) matrix.data[i * gt.length + j] = 1 - o / longest;
    }),
  );
  const { matches } = assignWithLimit(matrix, 2);
  const matchedGt = new Set(matches.map(([, j]) => j));
  const matchedRes = new Set(matches.map(([i]) => i));
  const tp = matches.length;
  const duplicates = res.filter((e, i) => !matchedRes.has(i) && gt.some((a, j) => matchedGt.has(j) && eventOverlap(e, a, toleranceS) >= 0)).length;
  const precision = res.length > 0 ? tp / res.length : null;
  const recall = gt.length > 0 ? tp / gt.length : null;
  const f1 = precision !== null && recall !== null ? (precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0) : null;
  return { annotations: gt.length, events: res.length, tp, fp: res.length - tp, fn: gt.length - tp, duplicates, precision, recall, f1 };
}

function confusionTable(annotations: readonly Annotation[], events: readonly ScoredEvent[], toleranceS: number): ConfusionTable {
  const present = EVENT_TYPES.filter((t) => annotations.some((a) => a.type === t) || events.some((e) => e.type === t));
  const labels: ConfusionLabel[] = [...present, NONE];
  const index = new Map<ConfusionLabel, number>(labels.map((l, i) => [l, i]));
  const cells = labels.map(() => labels.map(() => 0));
  const at = (row: ConfusionLabel, column: ConfusionLabel): void => {
    const r = cells[index.get(row) as number] as number[];
    const c = index.get(column) as number;
    r[c] = (r[c] ?? 0) + 1;
  };
  const overlapped = new Set<Annotation>();
  for (const e of events) {
    let column: ConfusionLabel = NONE;
    let best = -1;
    for (const a of annotations) {
      const o = eventOverlap(e, a, toleranceS);
      if (o < 0) continue;
      overlapped.add(a);
      // Its own type wins over any other; among other types, the largest overlap.
      if (column === e.type) continue;
      if (a.type === e.type || o > best) [column, best] = [a.type, o];
    }
    at(e.type, column);
  }
  for (const a of annotations) if (!overlapped.has(a)) at(NONE, a.type);
  return { labels, cells };
}

/**
 * Scores events against annotations: an event matches an annotation of the same
 * type (and camera, when both name one) when their intervals overlap, allowing
 * `toleranceS`. Each annotation matches at most one event and each event at most
 * one annotation, chosen to maximise matches and then total overlap (optimal
 * assignment, not first-come). Events left unmatched are false positives, even
 * when they repeat a matched situation: an operator sees each of them. Scored
 * per type, per rule id (a rule's events against all annotations of its type),
 * and as a confusion table across types.
 */
export function scoreEvents(annotations: readonly Annotation[], events: readonly ScoredEvent[], toleranceS = DEFAULT_MATCH_TOLERANCE_S): EventScores {
  const perType: TypeScore[] = [];
  const perRule: RuleScore[] = [];
  for (const type of EVENT_TYPES) {
    const gt = annotations.filter((a) => a.type === type);
    const res = events.filter((e) => e.type === type);
    if (gt.length === 0 && res.length === 0) continue;
    perType.push({ type, ...matchGroup(gt, res, toleranceS) });
    const rules = [...new Set(res.flatMap((e) => (e.rule === undefined ? [] : [e.rule])))].sort();
    for (const rule of rules) perRule.push({ rule, type, ...matchGroup(gt, res.filter((e) => e.rule === rule), toleranceS) });
  }
  return { toleranceS, perType, perRule, confusion: confusionTable(annotations, events, toleranceS) };
}

const pct = (x: number | null): string => (x === null ? '-' : x.toFixed(3));

/** Rows of cells as aligned text: first column left-aligned, the others right-aligned. */
export function alignColumns(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [header, ...rows].map(line);
}

const scoreCells = (s: MatchScore): string[] => [s.annotations, s.events, s.tp, s.fp, s.fn, s.duplicates, pct(s.precision), pct(s.recall), pct(s.f1)].map(String);
const SCORE_HEADER = ['annotated', 'events', 'tp', 'fp', 'fn', 'dup', 'precision', 'recall', 'f1'];

/** The scores as aligned text tables: per type, per rule (when events name rules), and the confusion across types. */
export function formatEventScores(scores: EventScores): string {
  const out =
    scores.perType.length > 0
      ? alignColumns(['type', ...SCORE_HEADER], scores.perType.map((s) => [s.type, ...scoreCells(s)]))
      : [['type', ...SCORE_HEADER].join('  '), '(no annotation and no event)'];
  out.push(`matching: same type, intervals overlapping within ${scores.toleranceS} s, each annotation and event at most once`);
  if (scores.perRule.length > 0) {
    out.push('', ...alignColumns(['rule', 'type', ...SCORE_HEADER], scores.perRule.map((s) => [s.rule, s.type, ...scoreCells(s)])));
  }
  const { labels, cells } = scores.confusion;
  if (labels.length > 1) {
    out.push(
      '',
      'confusion: rows = events by type, columns = annotations by type they overlap (none: nothing overlapped / missed)',
      ...alignColumns(['event \\ annotation', ...labels], labels.map((l, i) => [l, ...(cells[i] ?? []).map(String)])),
    );
  }
  return [...out, ''].join('\n');
}
