import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * When each camera's analysis was running and receiving frames (the trial's
 * availability figure, docs/REPORTS.md). The write path is two statements:
 * open a span, extend it; src/reports/load.ts reads the spans.
 */
export interface UptimeRepository {
  /** Opens a span [at, at] and returns its id. */
  open(camera: string, at: string): Promise<string>;
  /** Moves the end of a span to `at`. */
  extend(id: string, at: string): Promise<void>;
}

export function createUptimeRepository(db: Kysely<Database>, options: { readonly newId?: () => string } = {}): UptimeRepository {
  const newId = options.newId ?? randomUUID;
  return {
    async open(camera, at) {
      const id = newId();
      await db.insertInto('camera_uptime').values({ id, camera, from_at: at, to_at: at }).execute();
      return id;
    },
    async extend(id, at) {
      await db.updateTable('camera_uptime').set({ to_at: at }).where('id', '=', id).execute();
    },
  };
}

/** Spans are extended this often while frames flow: a crash loses at most this much uptime. */
export const UPTIME_EXTEND_MS = 60_000;
/** A pause between two frames longer than this ends the span (a stalled stream is not analysed). */
export const UPTIME_GAP_MS = 30_000;

/** The supervisor's port (`onFlow`): frames flowing, or stopped. */
export type FlowListener = (cameraId: string, flowing: boolean, atMs: number) => void;

export interface UptimeRecorder {
  readonly onFlow: FlowListener;
  /** Resolves once every pending write is done (shutdown, tests). */
  flush(): Promise<void>;
}

interface OpenSpan {
  id: Promise<string>;
  lastFrameMs: number;
  writtenMs: number;
}

/**
 * Turns frame notifications into uptime spans: opens one at the first frame,
 * extends it to the latest frame at most every `extendMs`, ends it at the last
 * frame when frames stop or pause longer than `gapMs`. Writes run in order per
 * camera; a failed write is reported and the next frame carries on.
 */
export function createUptimeRecorder(
  repo: Pick<UptimeRepository, 'open' | 'extend'>,
  options: { readonly extendMs?: number; readonly gapMs?: number; readonly onError?: (err: unknown) => void } = {},
): UptimeRecorder {
  const extendMs = options.extendMs ?? UPTIME_EXTEND_MS;
  const gapMs = options.gapMs ?? UPTIME_GAP_MS;
  const onError = options.onError ?? (() => undefined);
  const spans = new Map<string, OpenSpan>();
  let pending: Promise<unknown> = Promise.resolve();
  const iso = (ms: number): string => new Date(ms).toISOString();
  const write = <T>(task: () => Promise<T>): Promise<T> => {
    const next = pending.then(task);
    pending = next.catch(onError);
    return next;
  };
  const close = (camera: string, span: OpenSpan): void => {
    spans.delete(camera);
    if (span.writtenMs < span.lastFrameMs) {
      const at = iso(span.lastFrameMs);
      void write(async () => repo.extend(await span.id, at));
    }
  };
  return {
    onFlow(camera, flowing, atMs) {
      const span = spans.get(camera);
      if (!flowing) {
        if (span) close(camera, span);
        return;
      }
      if (span && atMs - span.lastFrameMs > gapMs) close(camera, span);
      const current = spans.get(camera);
      if (!current) {
        const at = iso(atMs);
        const id = write(() => repo.open(camera, at));
        spans.set(camera, { id, lastFrameMs: atMs, writtenMs: atMs });
        return;
      }
      current.lastFrameMs = atMs;
      if (atMs - current.writtenMs >= extendMs) {
        current.writtenMs = atMs;
        const at = iso(atMs);
        void write(async () => repo.extend(await current.id, at));
      }
    },
    async flush() {
      await pending;
    },
  };
}
