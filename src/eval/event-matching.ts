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
  readonly start: number;
  /** null while open: taken as `start`. */
  readonly end: number | null;
}

export interface TypeScore {
  readonly type: EventType;
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

export interface EventScores {
  readonly toleranceS: number;
  /** One row per type present in the annotations or the events, in EVENT_TYPES order. */
  readonly perType: readonly TypeScore[];
}

/** Overlap in seconds of [a0, a1] and [b0, b1] once each is widened by `tol`; negative when they miss. */
function overlapS(a0: number, a1: number, b0: number, b1: number, tol: number): number {
  return Math.min(a1, b1 + tol) - Math.max(a0, b0 - tol);
}

/**
 * Scores events against annotations: an event matches an annotation of the same
 * type (and camera, when both name one) when their intervals overlap, allowing
 * `toleranceS`. Each annotation matches at most one event and each event at most
 * one annotation, chosen to maximise matches and then total overlap (optimal
 * assignment, not first-come). Events left unmatched are false positives, even
 * when they repeat a matched situation: an operator sees each of them.
 */
export function scoreEvents(annotations: readonly Annotation[], events: readonly ScoredEvent[], toleranceS = DEFAULT_MATCH_TOLERANCE_S): EventScores {
  const perType: TypeScore[] = [];
  for (const type of EVENT_TYPES) {
    const gt = annotations.filter((a) => a.type === type);
    const res = events.filter((e) => e.type === type);
    if (gt.length === 0 && res.length === 0) continue;
    const overlaps = (e: ScoredEvent, a: Annotation): number => {
      if (a.camera !== undefined && e.camera !== undefined && a.camera !== e.camera) return -1;
      return overlapS(e.start, e.end ?? e.start, a.start, a.end, toleranceS);
    };
    // Cost 0..1 for admissible pairs (more overlap = cheaper); the limit 2 keeps every admissible pair worth matching.
    const matrix = costMatrix(res.length, gt.length, 10);
    const longest = Math.max(1, ...gt.map((a) => a.end - a.start + 2 * toleranceS), ...res.map((e) => (e.end ?? e.start) - e.start + 2 * toleranceS));
    res.forEach((e, i) =>
      gt.forEach((a, j) => {
        const o = overlaps(e, a);
        if (o >= 0) matrix.data[i * gt.length + j] = 1 - o / longest;
      }),
    );
    const { matches } = assignWithLimit(matrix, 2);
    const matchedGt = new Set(matches.map(([, j]) => j));
    const matchedRes = new Set(matches.map(([i]) => i));
    const tp = matches.length;
    const fp = res.length - tp;
    const fn = gt.length - tp;
    const duplicates = res.filter((e, i) => !matchedRes.has(i) && gt.some((a, j) => matchedGt.has(j) && overlaps(e, a) >= 0)).length;
    const precision = res.length > 0 ? tp / res.length : null;
    const recall = gt.length > 0 ? tp / gt.length : null;
    const f1 = precision !== null && recall !== null ? (precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0) : null;
    perType.push({ type, annotations: gt.length, events: res.length, tp, fp, fn, duplicates, precision, recall, f1 });
  }
  return { toleranceS, perType };
}

const pct = (x: number | null): string => (x === null ? '-' : x.toFixed(3));

/** The scores as an aligned text table. */
export function formatEventScores(scores: EventScores): string {
  const header = ['type', 'annotated', 'events', 'tp', 'fp', 'fn', 'dup', 'precision', 'recall', 'f1'];
  const rows = scores.perType.map((s) => [s.type, s.annotations, s.events, s.tp, s.fp, s.fn, s.duplicates, pct(s.precision), pct(s.recall), pct(s.f1)].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const body = rows.length > 0 ? rows.map(line) : ['(no annotation and no event)'];
  return [line(header), ...body, `matching: same type, intervals overlapping within ${scores.toleranceS} s, each annotation and event at most once`, ''].join('\n');
}
