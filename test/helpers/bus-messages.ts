/** Event changes as a worker would publish them, for the bus and cluster tests. */
import type { VigieEvent } from '../../src/contracts/event.js';
import type { CameraLease, EventMessage } from '../../src/bus/types.js';

export function sampleEvent(id: string, camera: string): VigieEvent {
  return {
    id,
    camera,
    rule: 'lawn',
    type: 'intrusion',
    severity: 'high',
    start: 12.5,
    end: null,
    start_time: '2026-11-28T21:04:05.000Z',
    track_ids: [3],
    classes: ['person'],
    box: [0.1, 0.2, 0.05, 0.2],
    score: 0.8,
    snapshot: null,
    clip: null,
    details: {},
  };
}

/** `count` opened changes with distinct event ids `<prefix>-<i>`. */
export function openedMessages(prefix: string, count: number, camera = 'cam-1', lease: CameraLease = { camera, worker: 'w1', epoch: 1 }): EventMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    change: 'opened' as const,
    event: sampleEvent(`${prefix}-${i}`, camera),
    lease,
    emittedAtMs: Date.now(),
    seq: 1,
  }));
}

/** `events` events, each opened then closed: 2 × `events` changes in publish order. */
export function lifecycleMessages(prefix: string, events: number, camera = 'cam-1', lease: CameraLease = { camera, worker: 'w1', epoch: 1 }): EventMessage[] {
  return Array.from({ length: events }, (_, i) => {
    const event = sampleEvent(`${prefix}-${i}`, camera);
    return [
      { change: 'opened' as const, event, lease, emittedAtMs: Date.now(), seq: 1 },
      { change: 'closed' as const, event: { ...event, end: 20 }, lease, emittedAtMs: Date.now(), seq: 2 },
    ];
  }).flat();
}
