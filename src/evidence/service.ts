/**
 * Evidence exports wired to a data folder and its database: what the CLI and
 * the HTTP routes call. Bundles made from the console go to `<data>/exports/`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { VigieConfig } from '../config/schema.js';
import { createSegmentIndex } from '../recording/segment-index.js';
import type { Repositories } from '../store/index.js';
import type { Database } from '../store/schema.js';
import { openEngineDetector } from './detector.js';
import { EvidenceError } from './errors.js';
import { exportEvidence, type AnonymizeDetector, type ExportRequest, type ExportResult } from './export.js';
import { createFootageCache, type FootageFile } from './footage.js';
import { loadInstanceKey, type InstanceKey, type PublicKeyInfo } from './instance-key.js';

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/** What a caller asks for; the service fills in camera details, time zone and paths. */
export type EvidenceRequest = Omit<ExportRequest, 'cameraInfo' | 'timeZone' | 'out' | 'masks'>;

export interface StoredExport extends ExportResult {
  /** File name stem under `<data>/exports/`, used in download URLs. */
  readonly id: string;
}

export interface EvidenceService {
  /** The instance key's public half and fingerprint (created on first use). */
  publicKey(): Promise<PublicKeyInfo>;
  /** Writes a bundle to `out` (the CLI). */
  exportTo(out: string, request: EvidenceRequest): Promise<ExportResult>;
  /** Writes a bundle under `<data>/exports/` (the console). */
  create(request: EvidenceRequest): Promise<StoredExport>;
  /** Path of a bundle made by `create`, or null if there is none by that id. */
  bundlePath(id: string): Promise<string | null>;
  /** Blurred, masked MP4 of a camera's recordings over [fromMs, toMs) (cached under `<data>/cache/footage/`). */
  footage(camera: string, fromMs: number, toMs: number): Promise<FootageFile>;
  /** Deletes cached footage older than an hour or whose source segments are gone (before each blurred request, and every 10 minutes on the server). */
  sweepFootage(): Promise<number>;
  /** Stops a blurred render in progress (server shutdown). */
  close(): Promise<void>;
}

export interface EvidenceServiceOptions {
  readonly dataDir: string;
  readonly db: Kysely<Database>;
  readonly repos: Pick<Repositories, 'events' | 'audit'>;
  /** The configuration in force (camera names, time zone); null when none is saved. */
  readonly config: () => Promise<VigieConfig | null>;
  readonly vigieVersion: string;
  readonly now?: () => number;
  /**
   * Anonymised exports start a detector pool of the configured engine for the
   * export's duration (default true); false refuses them (e.g. a server that
   * cannot spare the cores), `workers` caps its threads.
   */
  readonly anonymize?: boolean | { readonly workers: number };
  /** Replaces the engine detector (tests). */
  readonly openDetector?: () => Promise<AnonymizeDetector>;
}

/** Export ids are file names: nothing that could leave the folder. */
export const EXPORT_ID = /^ev-\d{8}T\d{6}Z-[0-9a-f]{8}$/;

export function createEvidenceService(options: EvidenceServiceOptions): EvidenceService {
  const now = options.now ?? Date.now;
  const exportsDir = join(options.dataDir, 'exports');
  const segments = createSegmentIndex(options.db);
  let key: Promise<InstanceKey> | null = null;
  const instanceKey = (): Promise<InstanceKey> => {
    key ??= loadInstanceKey(options.dataDir).catch((err: unknown) => {
      key = null;
      throw err;
    });
    return key;
  };

  const detectorOf = (config: VigieConfig | null): (() => Promise<AnonymizeDetector>) | null =>
    options.anonymize === false
      ? null
      : (options.openDetector ?? (() => openEngineDetector(config?.detector ?? null, typeof options.anonymize === 'object' ? options.anonymize.workers : undefined)));
  const footage = createFootageCache({
    cacheDir: join(options.dataDir, 'cache', 'footage'),
    recordingsDir: join(options.dataDir, 'recordings'),
    segments,
    masksOf: async (camera) => (await options.config())?.cameras.find((c) => c.id === camera)?.masks ?? [],
    openDetector: async () => {
      const open = detectorOf(await options.config());
      if (!open) throw new EvidenceError('UNAVAILABLE', 'blurred footage is not available here: no person detector is set up on this server (ask the administrator)');
      return open();
    },
    now,
  });

  const run = async (out: string, request: EvidenceRequest): Promise<ExportResult> => {
    const config = await options.config();
    const camera = config?.cameras.find((c) => c.id === request.camera);
    const openDetector = detectorOf(config);
    return exportEvidence(
      {
        recordingsDir: join(options.dataDir, 'recordings'),
        segments,
        events: options.repos.events,
        audit: options.repos.audit,
        key: await instanceKey(),
        now,
        vigieVersion: options.vigieVersion,
        ...(openDetector ? { openDetector } : {}),
      },
      { ...request, out, cameraInfo: { name: camera?.name ?? null, place: null }, timeZone: config?.timezone ?? DEFAULT_TIME_ZONE, masks: camera?.masks ?? [] },
    );
  };

  return {
    async publicKey() {
      const { algorithm, publicKeyPem, fingerprint } = await instanceKey();
      return { algorithm, publicKeyPem, fingerprint };
    },
    exportTo: run,
    async create(request) {
      await mkdir(exportsDir, { recursive: true });
      const stamp = new Date(now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      const id = `ev-${stamp}-${randomBytes(4).toString('hex')}`;
      const result = await run(join(exportsDir, `${id}.zip`), request);
      return { ...result, id };
    },
    footage: (camera, fromMs, toMs) => footage.render(camera, fromMs, toMs),
    sweepFootage: () => footage.sweep(),
    close: () => footage.close(),
    async bundlePath(id) {
      if (!EXPORT_ID.test(id)) return null;
      const path = join(exportsDir, `${id}.zip`);
      try {
        return (await stat(path)).isFile() ? path : null;
      } catch {
        return null;
      }
    },
  };
}
