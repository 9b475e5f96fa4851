import { z } from 'zod';
import { EVENT_TYPES } from '../../contracts/event.js';
import { annotationsSchema, formatEventScores, scoreEvents, type ScoredEvent } from '../../eval/event-matching.js';
import { formatPath, loadConfigFile } from '../../config/load.js';
import type { RuleConfig } from '../../config/schema.js';
import { formatSweep, parseSweepSpec, ruleWithParam, sweepRule, SweepError } from '../../eval/sweep.js';
import { createCameraRules } from '../../rules/registry.js';
import { chooseCamera, chooseDetector } from '../camera-choice.js';
import type { EvalEventsCliOptions } from '../main.js';
import { loadOrRecordTracks, pixelRules } from '../tracks-cache.js';
import { UserError } from '../errors.js';
import { readInputFile } from '../input.js';

/** The fields of an event (ARCHITECTURE 5.3) that scoring reads; others are ignored. */
const eventLine = z.object({
  type: z.enum(EVENT_TYPES),
  camera: z.string().optional(),
  rule: z.string().optional(),
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
    const { type, start, end, camera, rule } = parsed.data;
    events.push({ type, start, end, ...(camera !== undefined ? { camera } : {}), ...(rule !== undefined ? { rule } : {}) });
  });
  return events;
}

/** `vigie eval events --gt annotations.json --res events.jsonl`: scores per type and rule, confusion across types; `--sweep`: a rule's curve. */
export async function runEvalEvents(opts: EvalEventsCliOptions): Promise<void> {
  if (opts.sweep !== undefined) return runSweep(opts, opts.sweep);
  const stray = SWEEP_ONLY.filter((k) => opts[k] !== undefined).map((k) => `--${FLAG[k]}`);
  if (stray.length > 0) throw new UserError(`${stray.join(', ')} are only used with --sweep param=values`);
  if (opts.res === undefined) throw new UserError('give the events to score with --res events.jsonl (or --sweep to replay a rule over a clip)');
  const annotations = parseAnnotations(await readInputFile(opts.gt, 'annotations'), opts.gt);
  const events = parseEventLines(await readInputFile(opts.res, 'events'), opts.res);
  const scores = scoreEvents(annotations, events, opts.tolerance);
  if (opts.json) process.stdout.write(`${JSON.stringify(scores)}\n`);
  else process.stdout.write(formatEventScores(scores));
}

const SWEEP_ONLY = ['video', 'config', 'camera', 'rule', 'tracksCache', 'workers', 'engine'] as const;
const FLAG: Record<(typeof SWEEP_ONLY)[number], string> = { video: 'video', config: 'config', camera: 'camera', rule: 'rule', tracksCache: 'tracks-cache', workers: 'workers', engine: 'engine' };

const asUserError = <T>(f: () => T): T => {
  try {
    return f();
  } catch (err) {
    if (err instanceof SweepError) throw new UserError(err.message);
    throw err;
  }
};

/** `--sweep param=values`: replays one rule over the clip's tracks (cached, or computed once) for each value. */
async function runSweep(opts: EvalEventsCliOptions, spec: string): Promise<void> {
  if (opts.res !== undefined) throw new UserError('--sweep replays the rule itself: drop --res');
  const { video, config, rule: ruleId } = opts;
  if (video === undefined || config === undefined || ruleId === undefined) {
    throw new UserError('--sweep needs --video CLIP, --config FILE and --rule ID (the rule whose parameter is swept)');
  }
  const annotations = parseAnnotations(await readInputFile(opts.gt, 'annotations'), opts.gt);
  const camera = chooseCamera(config, opts.camera);
  const rule = camera.rules.find((r) => r.id === ruleId);
  if (!rule) throw new UserError(`camera "${camera.id}" of ${config} has no rule "${ruleId}" (rules: ${camera.rules.map((r) => r.id).join(', ') || 'none'})`);
  if (rule.type === 'counting' || rule.legal_basis?.kind === 'statistics') {
    throw new UserError(`rule "${ruleId}" only counts (statistics): it raises no event to score; sweep a rule that raises events`);
  }
  const needPixels = pixelRules(camera, [{ ...rule, enabled: true }]);
  if (needPixels.length > 0) throw new UserError(`rule ${needPixels.join(', ')} reads pixels, which cached tracks do not keep: it cannot be swept (measure each value with vigie analyze)`);
  const { param, values } = asUserError(() => parseSweepSpec(spec));
  // Every value is checked before the (long) detection run; a disabled rule is measured as if enabled.
  const variants = new Map(values.map((v) => [v, asUserError(() => ruleWithParam({ ...rule, enabled: true }, param, v))]));
  const timeZone = loadConfigFile(config).timezone;
  const recording = await loadOrRecordTracks({
    video,
    camera,
    detector: chooseDetector(config, opts.engine),
    timeZone,
    ...(opts.workers ? { workers: opts.workers } : {}),
    ...(opts.tracksCache !== undefined ? { cacheDir: opts.tracksCache } : {}),
  });
  const points = sweepRule({
    recording,
    type: rule.type,
    values,
    rulesAt: (v) => createCameraRules({ ...camera, rules: [variants.get(v) as RuleConfig] }, { timeZone }),
    annotations,
    toleranceS: opts.tolerance,
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(points)}\n`);
  else process.stdout.write(formatSweep(ruleId, param, points, opts.tolerance));
}
