/**
 * The manifest of a bundle: every other file with its size and SHA-256, and
 * what was exported. `manifest.sig` is the Ed25519 signature of the exact
 * bytes of `manifest.json`.
 */
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const PUBLIC_KEY_FILE_IN_BUNDLE = 'public-key.pem';
export const REPORT_FILE = 'report.txt';
export const EVENTS_FILE = 'events.jsonl';
export const VIDEO_FOLDER = 'video/';
export const ANONYMISED_VIDEO = 'video/anonymised.mp4';

/** Files a bundle holds besides those the manifest lists. */
export const UNLISTED_FILES: readonly string[] = [MANIFEST_FILE, SIGNATURE_FILE];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a hex SHA-256');

export const manifestFileSchema = z.object({ name: z.string().min(1), bytes: z.number().int().min(0), sha256 }).strict();

/** A recording the bundle's video comes from, as the index knew it. */
export const manifestSourceSchema = z
  .object({ recorded_as: z.string(), start: z.string(), end: z.string(), bytes: z.number().int().min(0), sha256 })
  .strict();

export const manifestSchema = z
  .object({
    format: z.literal('vigie-evidence/1'),
    created_at: z.string(),
    camera: z.string(),
    from: z.string(),
    to: z.string(),
    case: z.string().nullable(),
    reason: z.string().nullable(),
    exported_by: z.string(),
    anonymized: z.boolean(),
    /** How the video was anonymised; null for original footage. */
    anonymization: z
      .object({
        detector: z.string(),
        min_score: z.number(),
        frames: z.number().int(),
        boxes_blurred: z.number().int(),
        codec: z.string(),
        /** Privacy mask polygons filled in every frame (absent in bundles made before masks applied). */
        masks: z.number().int().min(0).optional(),
        /** The one person left unblurred (access request): designated at `at`, point (x, y) normalised. */
        kept_subject: z.object({ at: z.string(), x: z.number(), y: z.number(), track_id: z.number().int(), frames_kept: z.number().int() }).strict().nullable().optional(),
      })
      .strict()
      .nullable(),
    key_fingerprint: sha256,
    vigie_version: z.string(),
    /** The original segments (included as they are, or the input of the anonymised video). */
    sources: z.array(manifestSourceSchema),
    files: z.array(manifestFileSchema),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;

/** The manifest's bytes as signed: pretty JSON, keys in schema order, final newline. */
export function serialiseManifest(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}
