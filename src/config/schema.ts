import { z } from 'zod';

import { ALL_RULE_SCHEMAS, RULE_TYPES } from './rules/index.js';
import { idSchema, normPointSchema, polygonSchema } from './rules/common.js';
import { GroundPlaneError, homographyFrom4 } from '../geometry/homography.js';
import { sourceFormProblem } from './source-policy.js';
import { integrationsSchema } from '../integrations/config.js';

export { normPointSchema, polygonSchema } from './rules/common.js';
export { WEEKDAYS } from './rules/common.js';
export type { ClassSelector, ScheduleSlot, Weekday } from './rules/common.js';
export * from './rules/types.js';

export const ruleSchema = z.discriminatedUnion('type', ALL_RULE_SCHEMAS, {
  error: () => `unknown rule type: use one of ${RULE_TYPES.join(', ')}`,
});

export const zoneSchema = z
  .object({
    id: idSchema,
    name: z.string().optional(),
    polygon: polygonSchema,
    direction: z
      .tuple([z.number(), z.number()])
      .refine(([x, y]) => Math.hypot(x, y) > 1e-6, 'direction must not be [0, 0]; e.g. [0, 1] means downwards in the image')
      .optional()
      .describe('Allowed direction of travel [dx, dy] in image coordinates (y downwards).'),
  })
  .strict();

export const lineSchema = z
  .object({
    id: idSchema,
    name: z.string().optional(),
    points: z
      .tuple([normPointSchema, normPointSchema])
      .refine(([a, b]) => Math.hypot(a[0] - b[0], a[1] - b[1]) > 1e-6, 'the two points of a line must differ'),
  })
  .strict();

export const detectSchema = z
  .object({
    fps: z.number().positive().max(30).default(5).describe('Frames analysed per second.'),
    width: z.number().int().min(64).max(3840).default(640).describe('Width in pixels of analysed frames (height keeps the aspect ratio).'),
    backend: z
      .enum(['model', 'motion', 'hybrid'])
      .default('model')
      .describe('model = bundled COCO detector; motion = class-agnostic moving blobs (`object`); hybrid = both.'),
    min_score: z.number().min(0).max(1).default(0.4).describe('Detections below this score are ignored.'),
    motion_gating: z
      .boolean()
      .default(true)
      .describe('Skip the detector on frames where nothing moves (tracks coast instead).'),
    input_size: z
      .union([z.literal(320), z.literal(416), z.literal(512)], { error: () => 'use 320, 416 or 512' })
      .default(512)
      .describe('Side in pixels of the detector input for the full frame (320/416/512; the TF.js engine always uses 512).'),
    region_crops: z
      .boolean()
      .default(true)
      .describe('Run the detector only on padded crops around moving regions when they cover a small part of the frame (full frame otherwise, and at every refresh).'),
  })
  .strict();

const metrePoint = z.tuple([z.number().min(-10_000).max(10_000), z.number().min(-10_000).max(10_000)]);

/**
 * Ground-plane calibration: four image points on the ground (normalised) and the
 * same four points measured on the ground in metres (any origin, x and y axes at
 * right angles). Gives distances (speed) and areas (density) on the ground.
 */
export const groundPlaneSchema = z
  .object({
    image: z.tuple([normPointSchema, normPointSchema, normPointSchema, normPointSchema]).describe('Four points on the ground, as seen in the image (normalised).'),
    world: z.tuple([metrePoint, metrePoint, metrePoint, metrePoint]).describe('The same four points on the ground, in metres.'),
  })
  .strict();

/** Longest retention the law allows (days); the default is 10. */
export const MAX_RETENTION_DAYS = 30;

export const cameraRecordingSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Record the camera continuously (stream copy, no re-encoding, unless privacy_masks) into segments.'),
    segment_s: z.number().int().min(10).max(600).default(60).describe('Length of one recorded segment file, in seconds.'),
    retention_days: z
      .number()
      .positive()
      .max(MAX_RETENTION_DAYS, `the law allows at most ${MAX_RETENTION_DAYS} days of retention: use ${MAX_RETENTION_DAYS} or less (the usual is 10)`)
      .default(10)
      .describe('Days recordings and event snapshots are kept, unless a legal hold covers them.'),
    privacy_masks: z
      .boolean()
      .default(false)
      .describe("Fill the camera's privacy masks in the recorded video too (re-encoded with libx264 instead of stream copy: costs CPU, see docs/RECORDING.md)."),
  })
  .strict();

export const cameraSchema = z
  .object({
    id: idSchema,
    name: z.string().optional(),
    enabled: z.boolean().default(true),
    source: z
      .string()
      .min(1, 'give a file path or an rtsp:// or http(s):// URL')
      .superRefine((source, ctx) => {
        const problem = source === '' ? null : sourceFormProblem(source); // '' is min(1)'s
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('A local file path, or an rtsp://, rtsps://, http:// or https:// URL (docs/SECURITY.md, "Camera sources allow-list").'),
    loop: z.boolean().default(false).describe('Loop a file source (demo and soak use).'),
    detect: detectSchema.default(detectSchema.parse({})),
    masks: z.array(polygonSchema).default([]),
    zones: z.array(zoneSchema).default([]),
    lines: z.array(lineSchema).default([]),
    rules: z.array(ruleSchema).default([]),
    ground_plane: groundPlaneSchema.optional(),
    recording: cameraRecordingSchema.default(cameraRecordingSchema.parse({})),
  })
  .strict()
  .superRefine((cam, ctx) => {
    if (cam.recording.privacy_masks && cam.masks.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['recording', 'privacy_masks'], message: 'recording.privacy_masks is true but the camera has no masks: draw at least one privacy mask, or set privacy_masks to false' });
    }
    if (cam.loop && /^[a-z][a-z0-9+.-]*:\/\//i.test(cam.source)) {
      ctx.addIssue({ code: 'custom', path: ['loop'], message: 'loop only applies to file sources: remove it for a network camera' });
    }
    if (cam.ground_plane) {
      try {
        homographyFrom4(cam.ground_plane.image, cam.ground_plane.world);
      } catch (err) {
        if (!(err instanceof GroundPlaneError)) throw err;
        ctx.addIssue({ code: 'custom', path: ['ground_plane'], message: err.message });
      }
    }
    const zoneIds = new Set(cam.zones.map((z) => z.id));
    const lineIds = new Set(cam.lines.map((l) => l.id));
    const seen = new Set<string>();
    cam.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}": give each rule of a camera its own id` });
      }
      seen.add(rule.id);
      for (const ref of ruleReferences(rule)) {
        const known = ref.kind === 'zone' ? zoneIds : lineIds;
        if (!known.has(ref.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, ...ref.path],
            message: `unknown ${ref.kind} "${ref.id}": define it under this camera's ${ref.kind}s (known: ${[...known].join(', ') || 'none'})`,
          });
        }
      }
      if (rule.type === 'wrong_way' && zoneIds.has(rule.zone) && !cam.zones.find((z) => z.id === rule.zone)?.direction) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'zone'], message: `zone "${rule.zone}" has no direction: add direction: [dx, dy] to the zone for a wrong_way rule` });
      }
      if (rule.type === 'gathering' && rule.min_density_per_m2 !== undefined && !cam.ground_plane) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'min_density_per_m2'], message: 'a density needs the camera\'s ground_plane (four image points and their ground positions in metres): add it, or remove min_density_per_m2' });
      }
      if (rule.type === 'speeding') {
        const lines = [rule.entry_line, rule.exit_line, rule.distance_m].filter((v) => v !== undefined).length;
        if (lines > 0 && lines < 3) {
          ctx.addIssue({ code: 'custom', path: ['rules', i], message: 'measuring speed between two lines needs entry_line, exit_line and distance_m together' });
        } else if (lines === 0 && (!rule.zone || !cam.ground_plane)) {
          ctx.addIssue({ code: 'custom', path: ['rules', i], message: 'give entry_line, exit_line and distance_m, or a zone on a camera with a ground_plane' });
        }
      }
    });
  });

/** The first zone and the first line a rule names (what a list or an overlay shows as its target). */
export function ruleTargets(rule: RuleConfig): { readonly zone: string | null; readonly line: string | null } {
  const refs = ruleReferences(rule);
  return { zone: refs.find((r) => r.kind === 'zone')?.id ?? null, line: refs.find((r) => r.kind === 'line')?.id ?? null };
}

/** Severity events of a rule carry; statistics-only rules (counting) raise none and are listed as low. */
export const ruleSeverity = (rule: RuleConfig): 'low' | 'medium' | 'high' => ('severity' in rule ? rule.severity : 'low');

/** A zone or line a rule names, and where in the rule it is named. */
interface RuleReference {
  readonly kind: 'zone' | 'line';
  readonly id: string;
  readonly path: readonly (string | number)[];
}

/**
 * The zones and lines a rule refers to, found by field name: `zone`, `*_zone`
 * and `zones` name zones; `line`, `*_line` and `lines` name lines. Every rule
 * schema follows this naming, so one check covers them all.
 */
export function ruleReferences(rule: RuleConfig): RuleReference[] {
  const refs: RuleReference[] = [];
  for (const [key, value] of Object.entries(rule)) {
    const kind = key === 'zone' || key.endsWith('_zone') || key === 'zones' ? 'zone' : key === 'line' || key.endsWith('_line') || key === 'lines' ? 'line' : null;
    if (!kind) continue;
    if (typeof value === 'string') refs.push({ kind, id: value, path: [key] });
    else if (Array.isArray(value)) value.forEach((id, j) => typeof id === 'string' && refs.push({ kind, id, path: [key, j] }));
  }
  return refs;
}

/** Text a fresh installation shows until the city fills in `organisation` (the public page says it is missing). */
export const TO_COMPLETE = 'à compléter';

/**
 * Who is responsible for the processing, as the public information page
 * (`GET /public`) tells residents. Every field has a default that says
 * "à compléter", so a new installation still renders the page.
 */
export const organisationSchema = z
  .object({
    controller: z
      .string()
      .trim()
      .min(1, 'give the controller, e.g. "Ville de Suresnes"')
      .max(200)
      .default(`Responsable du traitement (${TO_COMPLETE})`)
      .describe('The controller of the processing (the city), e.g. "Ville de Suresnes".'),
    controller_address: z.string().trim().min(1).max(500).optional().describe('Postal address of the controller.'),
    dpo_contact: z
      .string()
      .trim()
      .min(1, 'give an e-mail or a postal address of the data protection officer')
      .max(500)
      .default(`Délégué à la protection des données (${TO_COMPLETE})`)
      .describe('How to reach the data protection officer (DPO): an e-mail or a postal address.'),
    rights_contact: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe('Where to send a request to exercise one\'s rights (access...); default: the DPO contact.'),
    purposes: z
      .array(z.string().trim().min(1).max(500))
      .min(1, 'give at least one purpose, or leave purposes out')
      .max(50)
      .optional()
      .describe('Purposes of the processing, in French; default: derived from the rules in use, marked "à compléter".'),
  })
  .strict();

export type OrganisationConfig = z.infer<typeof organisationSchema>;

export const DETECTOR_ENGINES = ['centernet-onnx', 'centernet-tfjs', 'yolo-onnx'] as const;

export const detectorSchema = z
  .object({
    engine: z
      .enum(DETECTOR_ENGINES)
      .default('centernet-onnx')
      .describe('centernet-onnx = bundled CenterNet on ONNX Runtime (fast default); centernet-tfjs = the same model on TF.js wasm (slower fallback); yolo-onnx = your own YOLO-family ONNX model.'),
    model: z.string().min(1).optional().describe('yolo-onnx only: path of the .onnx model file.'),
    format: z.enum(['ultralytics', 'yolov5', 'yolox']).optional().describe('yolo-onnx only: layout of the model output.'),
    input_size: z.number().int().min(32).max(2048).optional().describe('yolo-onnx only: input side, when the model does not fix it (default 640).'),
    workers: z.number().int().min(1).max(64).optional().describe('Detector worker threads (default: one per core).'),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.engine === 'yolo-onnx') {
      if (!d.model) ctx.addIssue({ code: 'custom', path: ['model'], message: 'engine yolo-onnx needs model: the path of your .onnx file' });
      if (!d.format) ctx.addIssue({ code: 'custom', path: ['format'], message: 'engine yolo-onnx needs format: ultralytics, yolov5 or yolox (how the model lays out its output)' });
    } else {
      for (const key of ['model', 'format', 'input_size'] as const) {
        if (d[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} only applies to engine yolo-onnx: remove it, or set engine: yolo-onnx` });
      }
    }
  });

export const configSchema = z
  .object({
    detector: detectorSchema.default(detectorSchema.parse({})).describe('The object detector shared by every camera (applied at start).'),
    recording: z
      .object({
        min_free_mb: z
          .number()
          .int()
          .min(0)
          .default(1024)
          .describe('Free disk space (MiB) kept on the recordings disk: below it the oldest unheld footage is deleted first and a system alert raised.'),
      })
      .strict()
      .default({ min_free_mb: 1024 })
      .describe('Recording storage shared by every camera.'),
    timezone: z
      .string()
      .default('Europe/Paris')
      .refine(isTimeZone, 'unknown time zone: use an IANA name such as Europe/Paris')
      .describe('Time zone of rule schedules (local time of the cameras).'),
    organisation: organisationSchema
      .optional()
      .describe('The controller, its DPO and the purposes, shown on the public information page (GET /public).'),
    integrations: integrationsSchema
      .default({ webhooks: [] })
      .describe('MQTT broker and signed webhooks that receive events (docs/INTEGRATIONS.md); applied without restart.'),
    cameras: z.array(cameraSchema).default([]),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.cameras.forEach((cam, i) => {
      if (seen.has(cam.id)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'id'], message: `duplicate camera id "${cam.id}": camera ids must be unique` });
      seen.add(cam.id);
    });
  });

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export type CameraRecordingConfig = z.infer<typeof cameraRecordingSchema>;
export type GroundPlaneConfig = z.infer<typeof groundPlaneSchema>;
export type VigieConfig = z.infer<typeof configSchema>;

/** A configuration with no camera and every default (a new installation). */
export const emptyConfig = (): VigieConfig => configSchema.parse({});
export type CameraConfig = z.infer<typeof cameraSchema>;
export type DetectConfig = z.infer<typeof detectSchema>;
export type DetectorConfig = z.infer<typeof detectorSchema>;
export type ZoneConfig = z.infer<typeof zoneSchema>;
export type LineConfig = z.infer<typeof lineSchema>;
export type RuleConfig = z.infer<typeof ruleSchema>;
