/**
 * Builds an evidence bundle: the original recorded segments overlapping a time
 * range (byte for byte, each checked against the hash the index took when it
 * was closed), the camera's events in the range, a human-readable report, a
 * manifest of SHA-256 hashes and its Ed25519 signature by the instance key.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Detection } from '../contracts/detection.js';
import type { NormPolygon } from '../contracts/geometry.js';
import type { VigieEvent } from '../contracts/event.js';
import type { RecordingGap, Segment, SegmentQuery } from '../recording/segment-index.js';
import type { AuditInput } from '../store/audit-repository.js';
import type { EventFilter } from '../store/event-query.js';
import type { StoredEvent } from '../store/event-codec.js';
import type { DetectorFrame } from '../vision/detect/detector.js';
import { ANONYMIZE_MIN_SCORE, anonymizeVideo, type AnonymizeResult } from './anonymize.js';
import { EvidenceError } from './errors.js';
import type { InstanceKey } from './instance-key.js';
import {
  ANONYMISED_VIDEO, EVENTS_FILE, MANIFEST_FILE, PUBLIC_KEY_FILE_IN_BUNDLE, REPORT_FILE, SIGNATURE_FILE, VIDEO_FOLDER, serialiseManifest,
  type Manifest, type ManifestFile,
} from './manifest.js';
import { buildReport, type KeptSubjectReport, type ReportSegment } from './report.js';
import { createZipWriter, type ZipWriter } from './zip.js';

/** `actor` of exports made with the command line (no logged-in user). */
export const CLI_ACTOR = 'cli';

/** What the export reads and writes: narrow ports, so tests can pass fakes. */
export interface ExportDeps {
  /** Folder the segment paths of the index are relative to. */
  readonly recordingsDir: string;
  readonly segments: { list(query: SegmentQuery): Promise<readonly Segment[]>; gaps(query: { camera: string; from?: string; to?: string }): Promise<readonly RecordingGap[]> };
  readonly events: { list(filter: EventFilter): Promise<{ readonly items: readonly StoredEvent[]; readonly nextCursor: string | null }> };
  readonly audit: { append(input: AuditInput): Promise<unknown> };
  readonly key: InstanceKey;
  readonly now: () => number;
  readonly vigieVersion: string;
  /** Starts the person detector for `--anonymize`; absent: anonymised exports are refused. */
  readonly openDetector?: () => Promise<AnonymizeDetector>;
}

/** A person detector for anonymisation (a worker pool), closed after the export. */
export interface AnonymizeDetector {
  readonly name: string;
  /** Frames to keep in flight (pool size + 1). */
  readonly inFlight: number;
  detect(frame: DetectorFrame): Promise<Detection[]>;
  close(): Promise<void>;
}

export interface ExportRequest {
  readonly camera: string;
  /** ISO 8601 with a zone. */
  readonly from: string;
  readonly to: string;
  readonly caseRef: string | null;
  readonly reason: string | null;
  /** User id, or CLI_ACTOR: recorded in the audit log. */
  readonly actor: string;
  /** Who, in words, for the report: `alice (user 3f...)`, `cli (os user bob)`. */
  readonly exportedBy: string;
  readonly cameraInfo: { readonly name: string | null; readonly place: string | null };
  /** IANA zone of the local times in the report. */
  readonly timeZone: string;
  /** true: one re-encoded video, people blurred and masks filled (the default of the CLI and API); false: the original segments. */
  readonly anonymize: boolean;
  /** The camera's privacy masks (normalised polygons), filled in the anonymised video. */
  readonly masks?: readonly NormPolygon[];
  /**
   * Access requests: the person whose detected box contains the normalised
   * point (x, y) in the frame nearest `at` (ISO) stays unblurred along their
   * track; everyone else is blurred. Needs `anonymize`.
   */
  readonly keepSubject?: KeepSubject | null;
  /** Bundle path to create; refused if it exists. */
  readonly out: string;
}

export interface KeepSubject {
  readonly at: string;
  readonly x: number;
  readonly y: number;
}

export interface ExportResult {
  readonly file: string;
  readonly bytes: number;
  /** SHA-256 of the whole bundle file (recorded in the audit log). */
  readonly sha256: string;
  readonly manifest: Manifest;
  readonly segments: number;
  readonly events: number;
}

export const ANONYMIZE_UNAVAILABLE =
  'anonymised export is not available here: no person detector is set up for exports (the command line has one; ask the administrator to enable it on the server)';

function parseTime(value: string, what: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(ms)) {
    throw new EvidenceError('INVALID', `${what} must be an ISO 8601 time with a zone, e.g. 2026-11-28T14:00:00Z or 2026-11-28T15:00:00+01:00 (got "${value}")`);
  }
  return new Date(ms).toISOString();
}

function checkKeepSubject(keep: KeepSubject, anonymize: boolean, from: string, to: string): KeepSubject {
  if (!anonymize) throw new EvidenceError('INVALID', 'keepSubject applies to the blurred video: it cannot be combined with an original (unaltered) export');
  const at = parseTime(keep.at, 'keepSubject.at');
  if (at < from || at >= to) throw new EvidenceError('INVALID', `keepSubject.at (${at}) must lie within the exported range [${from}, ${to})`);
  for (const [name, v] of [['x', keep.x], ['y', keep.y]] as const) {
    if (!(v >= 0 && v <= 1)) throw new EvidenceError('INVALID', `keepSubject.${name} must be a normalised coordinate in [0, 1] (got ${String(v)})`);
  }
  return { at, x: keep.x, y: keep.y };
}

/** `video/001_20261128T140000Z.ts`: ordered, unique, and says when. */
function bundleName(index: number, segment: Segment): string {
  const stamp = segment.start.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const ext = /\.[A-Za-z0-9]{1,5}$/.exec(segment.path)?.[0] ?? '.ts';
  return `${VIDEO_FOLDER}${String(index + 1).padStart(3, '0')}_${stamp}${ext}`;
}

async function eventsInRange(deps: ExportDeps, camera: string, from: string, to: string): Promise<VigieEvent[]> {
  const events: VigieEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.events.list({ camera, from, to, shadow: 'include', limit: 500, ...(cursor ? { cursor } : {}) });
    events.push(...page.items.map((i) => i.event));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return events.sort((a, b) => (a.start_time < b.start_time ? -1 : a.start_time > b.start_time ? 1 : a.id < b.id ? -1 : 1));
}

async function sha256OfFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

function readError(segment: Segment, err: unknown): EvidenceError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  return new EvidenceError('ALTERED', `recording ${segment.path} (segment ${segment.id}, ${segment.start}) cannot be read (${code}): it is indexed but missing or unreadable on disk, so the range cannot be exported whole; check the recordings folder and the audit log`);
}

function checkUnaltered(segment: Segment, sha256: string, bytes: number): void {
  if (sha256 !== segment.sha256 || bytes !== segment.bytes) {
    throw new EvidenceError(
      'ALTERED',
      `recording ${segment.path} (segment ${segment.id}, ${segment.start}) was altered after it was recorded: SHA-256 ${sha256} (${bytes} bytes) but the index recorded ${segment.sha256} (${segment.bytes} bytes). It cannot be exported as evidence; report it to the DPO`,
    );
  }
}

/** Copies each segment into the zip, refusing any whose bytes differ from the index. */
async function addSegments(zip: ZipWriter, deps: ExportDeps, segments: readonly Segment[]): Promise<{ files: ManifestFile[]; report: ReportSegment[] }> {
  const files: ManifestFile[] = [];
  const report: ReportSegment[] = [];
  for (const [i, segment] of segments.entries()) {
    const name = bundleName(i, segment);
    let written;
    try {
      written = await zip.addFile(name, join(deps.recordingsDir, segment.path));
    } catch (err) {
      if (err instanceof EvidenceError) throw err;
      throw readError(segment, err);
    }
    checkUnaltered(segment, written.sha256, written.bytes);
    files.push({ name, bytes: written.bytes, sha256: written.sha256 });
    report.push({ file: name, start: segment.start, end: segment.end, durationS: segment.durationS, bytes: segment.bytes, sha256: segment.sha256, recordedAs: segment.path });
  }
  return { files, report };
}

/** Anonymises the range into one MP4 in the zip, after checking every source segment against the index. */
async function addAnonymised(
  zip: ZipWriter,
  deps: ExportDeps,
  segments: readonly Segment[],
  range: { from: string; to: string; out: string; masks: readonly NormPolygon[]; keep: KeepSubject | null },
): Promise<{ files: ManifestFile[]; report: ReportSegment[]; result: AnonymizeResult; detector: string; kept: KeptSubjectReport | null }> {
  if (!deps.openDetector) throw new EvidenceError('INVALID', ANONYMIZE_UNAVAILABLE);
  const report: ReportSegment[] = [];
  for (const segment of segments) {
    const path = join(deps.recordingsDir, segment.path);
    let sha: { sha256: string; bytes: number };
    try {
      sha = await sha256OfFile(path);
    } catch (err) {
      throw readError(segment, err);
    }
    checkUnaltered(segment, sha.sha256, sha.bytes);
    report.push({ file: '(source, not included)', start: segment.start, end: segment.end, durationS: segment.durationS, bytes: segment.bytes, sha256: segment.sha256, recordedAs: segment.path });
  }
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const startMs = Math.max(Date.parse(range.from), Date.parse(first.start));
  const endMs = Math.min(Date.parse(range.to), Date.parse(last.end));
  const video = `${range.out}.anonymised-${process.pid}.mp4`;
  const detector = await deps.openDetector();
  try {
    const result = await anonymizeVideo({
      segments: segments.map((s) => join(deps.recordingsDir, s.path)),
      offsetS: (startMs - Date.parse(first.start)) / 1000,
      durationS: (endMs - startMs) / 1000,
      out: video,
      detector,
      inFlight: detector.inFlight,
      masks: range.masks,
      keep: range.keep ? { atS: (Date.parse(range.keep.at) - startMs) / 1000, x: range.keep.x, y: range.keep.y } : null,
    });
    const written = await zip.addFile(ANONYMISED_VIDEO, video);
    const kept = range.keep && result.kept ? { ...range.keep, trackId: result.kept.trackId, framesKept: result.kept.framesKept } : null;
    return { files: [{ name: written.name, bytes: written.bytes, sha256: written.sha256 }], report, result, detector: detector.name, kept };
  } finally {
    await detector.close();
    await rm(video, { force: true });
  }
}

/**
 * Writes the bundle to `request.out` (via a temporary name, so a failed export
 * leaves nothing behind) and records it in the audit log. Refusals are audited
 * too when a recording turns out to be altered.
 */
export async function exportEvidence(deps: ExportDeps, request: ExportRequest): Promise<ExportResult> {
  if (request.anonymize && !deps.openDetector) throw new EvidenceError('INVALID', ANONYMIZE_UNAVAILABLE);
  const from = parseTime(request.from, '--from');
  const to = parseTime(request.to, '--to');
  if (from >= to) throw new EvidenceError('INVALID', `--from (${from}) must be before --to (${to})`);
  const keep = request.keepSubject ? checkKeepSubject(request.keepSubject, request.anonymize, from, to) : null;
  const masks = request.masks ?? [];
  const segments = await deps.segments.list({ camera: request.camera, from, to });
  if (segments.length === 0) {
    throw new EvidenceError('NOT_FOUND', `camera "${request.camera}" has no recording between ${from} and ${to}: check the camera id and the range (times are UTC unless they carry an offset)`);
  }
  const out = resolve(request.out);
  const createdAt = new Date(deps.now()).toISOString();
  const partial = `${out}.partial-${process.pid}`;
  let zip: ZipWriter;
  try {
    zip = await createZipWriter(partial, new Date(createdAt));
  } catch (err) {
    throw new EvidenceError('UNAVAILABLE', `cannot write ${partial}: ${(err as NodeJS.ErrnoException).code ?? String(err)} (check the folder exists and is writable)`);
  }
  try {
    const anonymised = request.anonymize ? await addAnonymised(zip, deps, segments, { from, to, out, masks, keep }) : null;
    const video = anonymised ?? (await addSegments(zip, deps, segments));
    const anonymization = anonymised
      ? {
          detector: anonymised.detector,
          min_score: ANONYMIZE_MIN_SCORE,
          frames: anonymised.result.frames,
          boxes_blurred: anonymised.result.boxesBlurred,
          codec: 'H.264 (libx264), re-encoded',
          masks: masks.length,
          kept_subject: anonymised.kept ? { at: anonymised.kept.at, x: anonymised.kept.x, y: anonymised.kept.y, track_id: anonymised.kept.trackId, frames_kept: anonymised.kept.framesKept } : null,
        }
      : null;
    const events = await eventsInRange(deps, request.camera, from, to);
    const gaps = await deps.segments.gaps({ camera: request.camera, from, to });
    const eventsText = events.map((e) => `${JSON.stringify(e)}\n`).join('');
    const reportText = buildReport({
      camera: { id: request.camera, ...request.cameraInfo },
      from,
      to,
      timeZone: request.timeZone,
      exportedBy: request.exportedBy,
      reason: request.reason,
      caseRef: request.caseRef,
      anonymized: anonymization !== null,
      anonymization: anonymised ? { ...anonymised.result, detector: anonymised.detector, minScore: ANONYMIZE_MIN_SCORE, kept: anonymised.kept } : null,
      segments: video.report,
      gaps,
      eventCount: events.length,
      keyFingerprint: deps.key.fingerprint,
      vigieVersion: deps.vigieVersion,
      createdAt,
    });
    const files = [...video.files];
    files.push(await zip.addBuffer(EVENTS_FILE, Buffer.from(eventsText, 'utf8')));
    files.push(await zip.addBuffer(REPORT_FILE, Buffer.from(reportText, 'utf8')));
    files.push(await zip.addBuffer(PUBLIC_KEY_FILE_IN_BUNDLE, Buffer.from(deps.key.publicKeyPem, 'utf8')));
    const manifest: Manifest = {
      format: 'vigie-evidence/1',
      created_at: createdAt,
      camera: request.camera,
      from,
      to,
      case: request.caseRef,
      reason: request.reason,
      exported_by: request.exportedBy,
      anonymized: anonymization !== null,
      anonymization,
      key_fingerprint: deps.key.fingerprint,
      vigie_version: deps.vigieVersion,
      sources: segments.map((sg) => ({ recorded_as: sg.path, start: sg.start, end: sg.end, bytes: sg.bytes, sha256: sg.sha256 })),
      files: files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256 })),
    };
    const manifestBytes = serialiseManifest(manifest);
    await zip.addBuffer(MANIFEST_FILE, manifestBytes);
    await zip.addBuffer(SIGNATURE_FILE, deps.key.sign(manifestBytes));
    const bytes = await zip.finish();
    const { sha256 } = await sha256OfFile(partial);
    try {
      // link() refuses an existing name: an export never overwrites a bundle.
      await link(partial, out);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new EvidenceError(code === 'EEXIST' ? 'INVALID' : 'UNAVAILABLE', code === 'EEXIST' ? `${out} already exists: choose another --out (a bundle is never overwritten)` : `cannot create ${out}: ${code ?? String(err)}`);
    }
    await deps.audit.append({
      actor: request.actor,
      action: 'evidence.export',
      target: request.camera,
      details: {
        camera: request.camera,
        from,
        to,
        case: request.caseRef,
        reason: request.reason,
        file: basename(out),
        bytes,
        bundle_sha256: sha256,
        segments: segments.length,
        events: events.length,
        anonymized: anonymization !== null,
        // Which video left: the unaltered original (judicial requisition) or the blurred one.
        video: anonymization !== null ? 'blurred' : 'original',
        ...(anonymised?.kept ? { kept_subject_at: anonymised.kept.at, kept_subject_x: anonymised.kept.x, kept_subject_y: anonymised.kept.y } : {}),
        key_fingerprint: deps.key.fingerprint,
      },
    });
    return { file: out, bytes, sha256, manifest, segments: segments.length, events: events.length };
  } catch (err) {
    await zip.abort();
    if (err instanceof EvidenceError && err.code === 'ALTERED') {
      await deps.audit.append({
        actor: request.actor,
        action: 'evidence.export_refused',
        target: request.camera,
        details: { camera: request.camera, from, to, case: request.caseRef, why: err.message.slice(0, 500) },
      });
    }
    throw err;
  } finally {
    await rm(partial, { force: true });
  }
}
