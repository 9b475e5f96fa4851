/** Constants and content shared by power-loss.test.ts and its writer process. */
export const POWER_LOSS_CAMERA = 'cam';
/** Virtual time of the first segment, and each segment's length. */
export const POWER_LOSS_START_MS = Date.parse('2026-03-01T00:00:00.000Z');
export const POWER_LOSS_SEGMENT_MS = 2_000;
/** 20 s of virtual time: each retention run deletes a few segments and snapshots. */
export const POWER_LOSS_RETENTION_DAYS = 20 / 86_400;

/** The snapshot content of an event (a few KB, derived from its id, so the parent can check it is whole). */
export function snapshotBytes(eventId: string): Buffer {
  return Buffer.from(`snapshot of ${eventId}\n`.repeat(300));
}
