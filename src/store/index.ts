/**
 * Vigie's durable store: open it once in the composition root, then hand each
 * service the repositories it needs.
 *
 *   const store = await openDatabase({ dataDir: opts.data, url: opts.db });
 *   const repos = createRepositories(store.db);
 *   ...
 *   await store.close();
 */
import type { Kysely } from 'kysely';
import { createReportReader, type ReportReader } from '../reports/load.js';
import { createAccessRequestRepository, type AccessRequestRepository } from './access-request-repository.js';
import { createAuditRepository, type AuditRepository } from './audit-repository.js';
import { createConfigRepository, type ConfigRepository } from './config-repository.js';
import { createCountRepository, type CountRepository } from './count-repository.js';
import { createEventRepository, type EventRepository } from './event-repository.js';
import { createHoldRepository, type HoldRepository } from './hold-repository.js';
import { createIncidentRepository, type IncidentRepository } from './incident-repository.js';
import type { Database } from './schema.js';
import { createSessionRepository, type SessionRepository } from './session-repository.js';
import type { Clock } from './time.js';
import { createUptimeRepository, type UptimeRepository } from './uptime-repository.js';
import { createUserRepository, type UserRepository } from './user-repository.js';

export interface Repositories {
  readonly config: ConfigRepository;
  readonly events: EventRepository;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  /** Statistics of `counting` rules per 5-minute bucket. */
  readonly counts: CountRepository;
  /** Append-only, hash-chained audit trail. */
  readonly audit: AuditRepository;
  /** Legal holds (judicial requisitions); creation and release are audited. */
  readonly holds: HoldRepository;
  /** GDPR right-of-access requests (DPO); every change is audited. */
  readonly accessRequests: AccessRequestRepository;
  /** Spans during which each camera was analysed (trial availability). */
  readonly uptime: UptimeRepository;
  /** Incidents logged by operators (trial recall); the API audits changes. */
  readonly incidents: IncidentRepository;
  /** Read-only rows of the trial statistics (src/reports). */
  readonly reports: ReportReader;
}

export interface RepositoryOptions {
  /** Wall clock (ms since epoch); default Date.now. Every stored time comes from it. */
  readonly now?: Clock;
  /** User id source; default crypto.randomUUID. */
  readonly newId?: () => string;
}

export function createRepositories(db: Kysely<Database>, options: RepositoryOptions = {}): Repositories {
  const clock = options.now === undefined ? {} : { now: options.now };
  return {
    config: createConfigRepository(db, clock),
    events: createEventRepository(db, clock),
    users: createUserRepository(db, { ...clock, ...(options.newId ? { newId: options.newId } : {}) }),
    sessions: createSessionRepository(db, clock),
    counts: createCountRepository(db),
    audit: createAuditRepository(db, clock),
    holds: createHoldRepository(db, clock),
    accessRequests: createAccessRequestRepository(db, clock),
    uptime: createUptimeRepository(db),
    incidents: createIncidentRepository(db, clock),
    reports: createReportReader(db),
  };
}

export { openDatabase, SQLITE_FILE_NAME, type OpenDatabaseOptions, type StoreDatabase } from './database.js';
export { StoreError, isStoreError, STORE_ERROR_CODES, type StoreErrorCode } from './errors.js';
export type { Database } from './schema.js';
export type { Clock } from './time.js';
export * from './config-repository.js';
export type { CameraRecord, ZoneRecord, LineRecord, MaskRecord, RuleRecord, RuleFilter } from './config-derived.js';
export * from './event-repository.js';
export { EVENT_STATUSES, QUALIFICATIONS, SEVERITY_RANK, type EventStatus, type Qualification, type StoredEvent } from './event-codec.js';
export { EVENT_LIST_STATUSES, DEFAULT_EVENT_PAGE_SIZE, MAX_EVENT_PAGE_SIZE, type EventFilter, type EventListStatus } from './event-query.js';
export * from './user-repository.js';
export * from './session-repository.js';
export * from './count-repository.js';
export * from './audit-repository.js';
export * from './hold-repository.js';
export * from './access-request-repository.js';
export * from './uptime-repository.js';
export * from './incident-repository.js';
