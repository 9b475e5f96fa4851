/**
 * The write side of live events, shared by `vigie start` and `vigie worker`:
 * snapshots of opened events are rendered from the frame that opened them and
 * written durably under `<data>/snapshots`, and every change goes through one
 * queue, in the order it happened, its opened event held back until its snapshot
 * is durable (docs/STORAGE.md), so nothing announces an event whose picture a
 * crash could lose. What a write does (store and push, or publish to the stream)
 * is the caller's.
 */
import { join } from 'node:path';
import type { CameraConfig } from '../config/schema.js';
import { SYSTEM_RULE_ID, type VigieEvent } from '../contracts/event.js';
import type { RgbFrame } from '../contracts/frame.js';
import type { EventChange } from '../events/lifecycle.js';
import type { FrameResult } from '../pipeline/camera-pipeline.js';
import { renderEventSnapshot } from '../render/snapshot.js';
import { writeFileDurable } from '../store/durable-fs.js';
import { createSnapshotGate } from './snapshot-gate.js';

/** An opened event waits this long at most for its snapshot before it is written anyway. */
const SNAPSHOT_WAIT_MS = 2_000;

export interface EventWrites {
  /** From the cameras' onFrame: starts rendering the snapshot of each event this frame opened. */
  renderSnapshots(result: FrameResult, image: RgbFrame, camera: CameraConfig | undefined): void;
  /**
   * Queues a change: `write` runs after every write queued before, with the event
   * as stored (`snapshot` set to its API route; null for a camera_offline event,
   * which has no picture). A failure is printed as `<event> could not be <verb>`.
   */
  change(change: EventChange, write: (event: VigieEvent) => Promise<void>, verb?: string): void;
  /** Queues another write (counts) behind the changes queued before it; a failure is printed after `failure`. */
  task(task: () => Promise<void>, failure: string): void;
  /** A snapshot still being rendered (the snapshot route waits for it). */
  pendingSnapshot(eventId: string): Promise<void> | undefined;
  /** Resolves once every queued write is done. */
  drained(): Promise<void>;
}

export function createEventWrites(options: { readonly snapshotDir: string; readonly print: (line: string) => void }): EventWrites {
  const { snapshotDir, print } = options;
  const pendingSnapshots = new Map<string, Promise<void>>();
  const snapshotGate = createSnapshotGate(SNAPSHOT_WAIT_MS);
  let writes: Promise<void> = Promise.resolve();

  return {
    renderSnapshots(result, image, camera) {
      if (!camera) return;
      for (const change of result.changes) {
        if (change.kind !== 'opened') continue;
        const id = change.event.id;
        const path = join(snapshotDir, `${id}.jpg`);
        // Written under a temporary name, fsynced, then renamed, so neither a reader nor a restart sees half a JPEG;
        // the snapshot route waits for a render still in progress (the console asks as soon as the alert arrives).
        const rendering = renderEventSnapshot(image, change.event, result.tracks.tracks, camera)
          .then((jpeg) => writeFileDurable(path, jpeg))
          .catch((err: unknown) => print(`snapshot of event ${id} failed: ${String(err)}`))
          .finally(() => {
            pendingSnapshots.delete(id);
            snapshotGate.settle(id);
          });
        pendingSnapshots.set(id, rendering);
      }
    },
    change(change, write, verb = 'stored') {
      const { event } = change;
      writes = writes
        .then(async () => {
          const system = event.rule === SYSTEM_RULE_ID;
          if (change.kind === 'opened' && !system) await snapshotGate.settled(event.id);
          await write({ ...event, snapshot: system ? null : `/api/events/${event.id}/snapshot.jpg` });
        })
        .catch((err: unknown) => print(`event ${event.id} could not be ${verb}: ${String(err)}`));
    },
    task(task, failure) {
      writes = writes.then(task).catch((err: unknown) => print(`${failure}: ${String(err)}`));
    },
    pendingSnapshot: (eventId) => pendingSnapshots.get(eventId),
    drained: () => writes,
  };
}
