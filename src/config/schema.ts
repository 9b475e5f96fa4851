import { z } from 'zod';
import { OBJECT_CLASSES, VEHICLE_CLASSES, type ObjectClass } from '../contracts/classes.js';

const unit = z.number().min(0, 'must be >= 0 (coordinates are normalised to the frame)').max(1, 'must be <= 1 (coordinates are normalised to the frame)');

export const normPointSchema = z
  .tuple([unit, unit])
  .describe('A point [x, y] normalised to the frame, origin top-left.');

export const polygonSchema = z
  .array(normPointSchema)
  .min(3, 'a polygon needs at least 3 points [x, y]')
  .describe('A polygon as a list of normalised points.');

const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes, e.g. "parvis-nord"');

const classSchema = z.union([
  z.enum(OBJECT_CLASSES as unknown as [ObjectClass, ...ObjectClass[]]),
  z.literal('any'),
], { error: () => `unknown class: use one of ${OBJECT_CLASSES.slice(0, 8).join(', ')}, ..., object or any` });

export type ClassSelector = z.infer<typeof classSchema>;

const anchorSchema = z
  .enum(['auto', 'bottom_center', 'center'])
  .default('auto')
  .describe('Point of the box tested against zones and lines: auto = foot point for people, centre for everything else.');

const ruleBase = {
  id: idSchema,
  enabled: z.boolean().default(true),
  severity: z.enum(['low', 'medium', 'high']).default('medium'),
  anchor: anchorSchema,
  cooldown_s: z
    .number()
    .min(0)
    .max(3600)
    .describe('Seconds after an event closes during which the same situation (same track) reopens it instead of raising a new one.'),
};

const intrusionRule = z
  .object({
    ...ruleBase,
    type: z.literal('intrusion'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default(['person']),
    min_duration_s: z.number().min(0).max(86_400).default(1),
    cooldown_s: ruleBase.cooldown_s.default(10),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

const lineCrossingRule = z
  .object({
    ...ruleBase,
    type: z.literal('line_crossing'),
    line: idSchema,
    direction: z.enum(['a_to_b', 'b_to_a', 'any']).default('any'),
    classes: z.array(classSchema).min(1).default(['person', ...VEHICLE_CLASSES]),
    hysteresis: z
      .number()
      .min(0)
      .max(0.2)
      .default(0.01)
      .describe('Normalised distance the anchor must get past the line, on the new side, before a crossing counts (stops jitter on the line from counting twice).'),
    cooldown_s: ruleBase.cooldown_s.default(0),
    severity: ruleBase.severity.default('low'),
  })
  .strict();

const wrongWayRule = z
  .object({
    ...ruleBase,
    type: z.literal('wrong_way'),
    zone: idSchema,
    classes: z.array(classSchema).min(1).default([...VEHICLE_CLASSES]),
    min_distance: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe('Normalised distance a track must travel against the allowed direction, inside the zone, before it is reported.'),
    max_angle_deg: z
      .number()
      .min(0)
      .max(90)
      .default(60)
      .describe('Largest angle between the track\'s movement and the reverse of the allowed direction that still counts as wrong way.'),
    cooldown_s: ruleBase.cooldown_s.default(30),
    severity: ruleBase.severity.default('high'),
  })
  .strict();

export const ruleSchema = z.discriminatedUnion('type', [intrusionRule, lineCrossingRule, wrongWayRule], {
  error: () => 'unknown rule type: use intrusion, line_crossing or wrong_way',
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

export const cameraSchema = z
  .object({
    id: idSchema,
    name: z.string().optional(),
    enabled: z.boolean().default(true),
    source: z.string().min(1, 'give a file path or an rtsp:// or http(s):// URL'),
    loop: z.boolean().default(false).describe('Loop a file source (demo and soak use).'),
    detect: detectSchema.default(detectSchema.parse({})),
    masks: z.array(polygonSchema).default([]),
    zones: z.array(zoneSchema).default([]),
    lines: z.array(lineSchema).default([]),
    rules: z.array(ruleSchema).default([]),
  })
  .strict()
  .superRefine((cam, ctx) => {
    if (cam.loop && /^[a-z][a-z0-9+.-]*:\/\//i.test(cam.source)) {
      ctx.addIssue({ code: 'custom', path: ['loop'], message: 'loop only applies to file sources: remove it for a network camera' });
    }
    const zoneIds = new Set(cam.zones.map((z) => z.id));
    const lineIds = new Set(cam.lines.map((l) => l.id));
    const seen = new Set<string>();
    cam.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}": give each rule of a camera its own id` });
      }
      seen.add(rule.id);
      if ('zone' in rule && !zoneIds.has(rule.zone)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'zone'], message: `unknown zone "${rule.zone}": define it under this camera's zones (known: ${[...zoneIds].join(', ') || 'none'})` });
      }
      if (rule.type === 'wrong_way' && zoneIds.has(rule.zone) && !cam.zones.find((z) => z.id === rule.zone)?.direction) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'zone'], message: `zone "${rule.zone}" has no direction: add direction: [dx, dy] to the zone for a wrong_way rule` });
      }
      if (rule.type === 'line_crossing' && !lineIds.has(rule.line)) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'line'], message: `unknown line "${rule.line}": define it under this camera's lines (known: ${[...lineIds].join(', ') || 'none'})` });
      }
    });
  });

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

export type VigieConfig = z.infer<typeof configSchema>;

/** A configuration with no camera and every default (a new installation). */
export const emptyConfig = (): VigieConfig => configSchema.parse({});
export type CameraConfig = z.infer<typeof cameraSchema>;
export type DetectConfig = z.infer<typeof detectSchema>;
export type DetectorConfig = z.infer<typeof detectorSchema>;
export type ZoneConfig = z.infer<typeof zoneSchema>;
export type LineConfig = z.infer<typeof lineSchema>;
export type RuleConfig = z.infer<typeof ruleSchema>;
export type IntrusionRuleConfig = z.infer<typeof intrusionRule>;
export type LineCrossingRuleConfig = z.infer<typeof lineCrossingRule>;
export type WrongWayRuleConfig = z.infer<typeof wrongWayRule>;
