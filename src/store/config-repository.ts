import type { Kysely, Selectable } from 'kysely';
import { ConfigError, parseConfig } from '../config/load.js';
import type { VigieConfig } from '../config/schema.js';
import {
  listCameras, listLines, listMasks, listRules, listZones, writeDerived,
  type CameraRecord, type LineRecord, type MaskRecord, type RuleFilter, type RuleRecord, type ZoneRecord,
} from './config-derived.js';
import { StoreError, isForeignKeyViolation } from './errors.js';
import { lockWithin } from './locks.js';
import type { ConfigVersionsTable, Database } from './schema.js';
import { isoNow, systemClock, type Clock } from './time.js';
import { SEALED_PREFIX, hasCredentials, openSource, sealSource, type SecretBox } from '../security/secret-box.js';

export interface ConfigVersionInfo {
  readonly version: number;
  readonly createdAt: string;
  /** The user who saved it; null for the config file imported at startup. */
  readonly createdBy: string | null;
  readonly comment: string | null;
}

export interface ConfigVersion extends ConfigVersionInfo {
  readonly config: VigieConfig;
}

export interface SaveConfigMeta {
  readonly userId: string | null;
  readonly comment?: string | null;
}

/**
 * Versioned configuration. Each save is a new version (1, 2, ...) holding the whole
 * validated document; the derived rows (cameras, zones, lines, masks, rules) always
 * describe the latest version. Old versions are kept (history, rollback by saving
 * an old version again).
 */
export interface ConfigRepository {
  /** The latest version, or null before the first save. CORRUPT (naming the version) if it no longer validates. */
  current(): Promise<ConfigVersion | null>;
  /**
   * Validates `config` (ConfigError listing the problems), stores it as the next
   * version and rewrites the derived rows, in one transaction; returns the version.
   * NOT_FOUND for an unknown userId.
   */
  save(config: VigieConfig, meta: SaveConfigMeta): Promise<number>;
  /** Newest first, without the documents. */
  history(limit?: number): Promise<readonly ConfigVersionInfo[]>;
  get(version: number): Promise<ConfigVersion | null>;
  cameras(): Promise<readonly CameraRecord[]>;
  zones(filter?: { readonly camera?: string }): Promise<readonly ZoneRecord[]>;
  lines(filter?: { readonly camera?: string }): Promise<readonly LineRecord[]>;
  masks(filter?: { readonly camera?: string }): Promise<readonly MaskRecord[]>;
  rules(filter?: RuleFilter): Promise<readonly RuleRecord[]>;
  /** True when some stored camera source is sealed (then the key that sealed it is needed). */
  hasSealedSecrets(): Promise<boolean>;
  /**
   * Seals, in place, every camera source stored in clear by an older Vigie (every
   * version and the derived rows), in one transaction; returns how many versions
   * changed. Needs the secrets box.
   */
  sealPlainSecrets(): Promise<number>;
}

export interface ConfigRepositoryOptions {
  readonly now?: Clock;
  /**
   * Seals camera sources that carry credentials before they are written and
   * opens them on read. Without it (tools that never need a camera source),
   * sealed sources are read and saved back as opaque text.
   */
  readonly secrets?: SecretBox;
}

export const DEFAULT_HISTORY_LIMIT = 50;

export function createConfigRepository(db: Kysely<Database>, options: ConfigRepositoryOptions = {}): ConfigRepository {
  const now = options.now ?? systemClock;
  const box = options.secrets;
  const mapSources = (config: VigieConfig, map: (source: string) => string): VigieConfig => ({
    ...config,
    cameras: config.cameras.map((c) => ({ ...c, source: map(c.source) })),
  });
  const seal = (config: VigieConfig): VigieConfig => (box ? mapSources(config, (s) => sealSource(box, s)) : config);
  const open = (version: ConfigVersion): ConfigVersion => (box ? { ...version, config: mapSources(version.config, (s) => openSource(box, s)) } : version);

  return {
    async current() {
      const row = await db.selectFrom('config_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
      return row ? open(toVersion(row)) : null;
    },

    async save(config, meta) {
      const valid = seal(parseConfig(config, 'config to save'));
      return db.transaction().execute(async (trx) => {
        // The next version number is read then written: one saver at a time.
        await lockWithin(trx, 'config_versions');
        const { max } = await trx
          .selectFrom('config_versions')
          .select((eb) => eb.fn.max('version').as('max'))
          .executeTakeFirstOrThrow();
        const version = Number(max ?? 0) + 1;
        try {
          await trx
            .insertInto('config_versions')
            .values({ version, created_at: isoNow(now), created_by: meta.userId, comment: meta.comment ?? null, document: JSON.stringify(valid) })
            .execute();
        } catch (err) {
          if (isForeignKeyViolation(err)) throw new StoreError('NOT_FOUND', `user "${meta.userId}" does not exist`, { cause: err });
          throw err;
        }
        await writeDerived(trx, version, valid);
        return version;
      });
    },

    async history(limit = DEFAULT_HISTORY_LIMIT) {
      if (!Number.isInteger(limit) || limit < 1) throw new StoreError('INVALID', `limit must be a positive integer (got ${limit})`);
      const rows = await db
        .selectFrom('config_versions')
        .select(['version', 'created_at', 'created_by', 'comment'])
        .orderBy('version', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toInfo);
    },

    async get(version) {
      const row = await db.selectFrom('config_versions').selectAll().where('version', '=', version).executeTakeFirst();
      return row ? open(toVersion(row)) : null;
    },

    cameras: async () => {
      const rows = await listCameras(db);
      return box ? rows.map((c) => ({ ...c, source: openSource(box, c.source) })) : rows;
    },
    zones: (filter = {}) => listZones(db, filter.camera),
    lines: (filter = {}) => listLines(db, filter.camera),
    masks: (filter = {}) => listMasks(db, filter.camera),
    rules: (filter = {}) => listRules(db, filter),

    async hasSealedSecrets() {
      const row = await db.selectFrom('config_versions').select('version').where('document', 'like', `%"${SEALED_PREFIX}%`).limit(1).executeTakeFirst();
      return row !== undefined;
    },

    async sealPlainSecrets() {
      if (!box) throw new StoreError('INVALID', 'sealing camera credentials needs the secrets key');
      return db.transaction().execute(async (trx) => {
        let changed = 0;
        for (const row of await trx.selectFrom('config_versions').selectAll().execute()) {
          const { config } = toVersion(row);
          if (!config.cameras.some((c) => hasCredentials(c.source))) continue;
          await trx.updateTable('config_versions').set({ document: JSON.stringify(seal(config)) }).where('version', '=', row.version).execute();
          changed += 1;
        }
        for (const cam of await trx.selectFrom('cameras').select(['id', 'source']).execute()) {
          if (hasCredentials(cam.source)) await trx.updateTable('cameras').set({ source: box.seal(cam.source) }).where('id', '=', cam.id).execute();
        }
        return changed;
      });
    },
  };
}

function toInfo(row: Pick<Selectable<ConfigVersionsTable>, 'version' | 'created_at' | 'created_by' | 'comment'>): ConfigVersionInfo {
  return { version: Number(row.version), createdAt: row.created_at, createdBy: row.created_by, comment: row.comment };
}

function toVersion(row: Selectable<ConfigVersionsTable>): ConfigVersion {
  const where = `config version ${row.version}`;
  let raw: unknown;
  try {
    raw = JSON.parse(row.document);
  } catch (err) {
    throw new StoreError('CORRUPT', `${where} in the database is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  try {
    return { ...toInfo(row), config: parseConfig(raw, where) };
  } catch (err) {
    if (err instanceof ConfigError) throw new StoreError('CORRUPT', `${err.message.split('\n').join(' ')} (stored in the database)`, { cause: err });
    throw err;
  }
}
