import { describe, expect, it } from 'vitest';
import { createSnapshotGate } from '../../src/server/snapshot-gate.js';

describe('snapshot gate: an opened event is stored once its snapshot is on disk', () => {
  it('holds the writer until the snapshot is settled', async () => {
    const gate = createSnapshotGate(60_000);
    let written = false;
    const writer = gate.settled('ev-1').then(() => {
      written = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toBe(false);
    gate.settle('ev-1');
    await writer;
    expect(written).toBe(true);
  });

  it('lets the writer through at once when the snapshot was settled first (render faster than the event queue)', async () => {
    const gate = createSnapshotGate(60_000);
    gate.settle('ev-2');
    await expect(gate.settled('ev-2')).resolves.toBeUndefined();
  });

  it('does not hold the writer forever when no snapshot comes (no render for that camera)', async () => {
    const gate = createSnapshotGate(20);
    await expect(gate.settled('ev-3')).resolves.toBeUndefined();
  });
});
