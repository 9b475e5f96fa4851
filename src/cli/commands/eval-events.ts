import { z } from 'zod';
import { EVENT_TYPES } from '../../contracts/event.js';
import { annotationsSchema, formatEventScores, scoreEvents, type ScoredEvent } from '../../eval/event-matching.js';
import { formatPath } from '../../config/load.js';
import type { EvalEventsCliOptions } from '../main.js';
import { UserError } from '../errors.js';
import { readInputFile } from '../input.js';

/** The fields of an event (ARCHITECTURE 5.3) that scoring reads; others are ignored. */
const eventLine = z.object({
  type: z.enum(EVENT_TYPES),
  camera: z.string().optional(),
  start: z.number(),
  end: z.number().nullable(),
});

const problem = (error: z.ZodError): string => error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`).join('; ');

/** Annotations file: a JSON array of { type, start, end, camera? } (docs/EVALUATION.md). */
export function parseAnnotations(text: string, path: string): z.infer<typeof annotationsSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = annotationsSchema.safeParse(json);
  if (!parsed.success) throw new UserError(`${path}: ${problem(parsed.error)} (each annotation is { "type", "start", "end", "camera"? } in seconds)`);
  return parsed.data;
}

/** Events as `vigie analyze` writes them: one JSON event per line (blank lines skipped). */
export function parseEventLines(text: string, path: string): ScoredEvent[] {
  const events: ScoredEvent[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new UserError(`${path}:${i + 1} is not a JSON event: ${(err as Error).message}`);
    }
    const parsed = eventLine.safeParse(json);
    if (!parsed.success) throw new UserError(`${path}:${i + 1}: ${problem(parsed.error)}`);
    const { type, start, end, camera } = parsed.data;
    events.push({ type, start, end, ...(camera !== undefined ? { camera } : {}) });
  });
  return events;
}

/** `vigie eval events --gt annotations.json --res events.jsonl`: precision, recall and F1 per event type. */
export async function runEvalEvents(opts: EvalEventsCliOptions): Promise<void> {
  const annotations = parseAnnotations(await readInputFile(opts.gt, 'annotations'), opts.gt);
  const events = parseEventLines(await readInputFile(opts.res, 'events'), opts.res);
  const scores = scoreEvents(annotations, events, opts.tolerance);
  if (opts.json) process.stdout.write(`${JSON.stringify(scores)}\n`);
  else process.stdout.write(formatEventScores(scores));
}
