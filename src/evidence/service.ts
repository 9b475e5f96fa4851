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
import { exportEvidence, type ExportRequest, type ExportResult } from './export.js';
import { loadInstanceKey, type InstanceKey, type PublicKeyInfo } from './instance-key.js';

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/** What a caller asks for; the service fills in camera details, time zone and paths. */
export type EvidenceRequest = Omit<ExportRequest, 'cameraInfo' | 'timeZone' | 'out'>;

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

  const run = async (out: string, request: EvidenceRequest): Promise<ExportResult> => {
    const config = await options.config();
    const camera = config?.cameras.find((c) => c.id === request.camera);
    return exportEvidence(
      {
        recordingsDir: join(options.dataDir, 'recordings'),
        segments,
        events: options.repos.events,
        audit: options.repos.audit,
        key: await instanceKey(),
        now,
        vigieVersion: options.vigieVersion,
        ...(options.anonymize === false
          ? {}
          : { openDetector: () => openEngineDetector(config?.detector ?? null, typeof options.anonymize === 'object' ? options.anonymize.workers : undefined) }),
      },
      { ...request, out, cameraInfo: { name: camera?.name ?? null, place: null }, timeZone: config?.timezone ?? DEFAULT_TIME_ZONE },
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
