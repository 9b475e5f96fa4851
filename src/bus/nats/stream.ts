/**
 * The event stream (docs/SCALE-OUT.md): workers publish every event change to
 * `vigie.events.<camera>.<type>`; API nodes consume it. The stream is a durable
 * buffer, not the archive (PostgreSQL is): messages age out after `maxAgeMs`.
 */
import { DiscardPolicy, jetstreamManager, JetStreamApiError, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { BusError } from './connection.js';

export const EVENT_STREAM = 'VIGIE_EVENTS';
export const EVENT_SUBJECT_PREFIX = 'vigie.events';

export interface EventStreamOptions {
  /** Stream name; default VIGIE_EVENTS (tests use their own). */
  readonly name?: string;
  /** Subject prefix; default `vigie.events` (the stream takes `<prefix>.>`). */
  readonly subjectPrefix?: string;
  /**
   * Copies kept by a NATS cluster: 1 for one server, 3 in a cluster of 3 (survives one server lost).
   * Default: env VIGIE_STREAM_REPLICAS, else 1 for a new stream and unchanged for an existing one.
   */
  readonly replicas?: number;
  /** How long the stream keeps a message (ms); default 7 days: the API nodes store them, this is the buffer. */
  readonly maxAgeMs?: number;
  /** Window in which a republished message id is dropped (ms); default 2 min (longer than a publish retry lasts). */
  readonly duplicateWindowMs?: number;
}

export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3_600_000;
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;

/** A subject token: NATS subjects split on dots and reserve `*`, `>` and whitespace. */
export function subjectToken(value: string): string {
  return value.replace(/[.*>\s]/g, '_') || '_';
}

/** The subject of one change: per camera and event type, so a subscriber can filter on either. */
export function eventSubject(camera: string, type: string, prefix = EVENT_SUBJECT_PREFIX): string {
  return `${prefix}.${subjectToken(camera)}.${subjectToken(type)}`;
}

const STREAM_NAME_IN_USE = 10058;

/** Creates the stream, or brings its settings up to date; safe to call from every process at start. */
export async function ensureEventStream(nc: NatsConnection, options: EventStreamOptions = {}): Promise<StreamConfig> {
  const jsm = await jetstreamManager(nc);
  const config = {
    name: options.name ?? EVENT_STREAM,
    subjects: [`${options.subjectPrefix ?? EVENT_SUBJECT_PREFIX}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(options.maxAgeMs ?? DEFAULT_MAX_AGE_MS),
    duplicate_window: nanos(options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
  };
  const replicas = options.replicas ?? replicasFromEnv(process.env.VIGIE_STREAM_REPLICAS);
  try {
    return (await jsm.streams.add({ ...config, num_replicas: replicas ?? 1 })).config;
  } catch (err) {
    // Another process created it first, or an older Vigie with other settings: update it
    // (its replicas stay as they are unless asked: an operator may have raised them).
    if (!(err instanceof JetStreamApiError) || err.code !== STREAM_NAME_IN_USE) throw err;
    const { name, ...update } = config;
    return (await jsm.streams.update(name, { ...update, ...(replicas === undefined ? {} : { num_replicas: replicas }) })).config;
  }
}

function replicasFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new BusError(`VIGIE_STREAM_REPLICAS must be an integer from 1 to 5 (got "${value}")`);
  return n;
}
