/**
 * Finding the requester in the footage of an access request: the recorded
 * frame at a time of the request's range, privacy masks applied, people
 * detected by the evidence detector (opened for the call, closed after) and
 * numbered; as JSON boxes or as a JPEG with everyone blurred and numbered.
 */
import type { NormPolygon } from '../contracts/geometry.js';
import type { AnonymizeDetector } from '../evidence/export.js';
import { applyMaskBitmap, rasterizeMasks } from '../privacy/mask.js';
import { encodeJpeg } from '../render/jpeg.js';
import { AccessError } from './errors.js';
import { recordedFrameAt, type FrameSource, type RecordedFrame } from './frame.js';
import { numberPeople, type NumberedBox } from './people.js';
import { drawNumberedPeople } from './render.js';

export interface PeopleFrame {
  /** The time asked for, UTC. */
  readonly at: string;
  readonly segment: string;
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly NumberedBox[];
}

export interface FrameRequest {
  readonly camera: string;
  readonly from: string;
  readonly to: string;
  /** The camera's privacy masks (normalised polygons), blacked out before anything else. */
  readonly masks: readonly NormPolygon[];
}

export interface AccessFrameDeps {
  readonly source: FrameSource;
  readonly openDetector: () => Promise<AnonymizeDetector>;
}

/** The console's picker image is at most this wide (a smaller JPEG, numbers still legible). */
const PICKER_MAX_WIDTH = 1280;

/** Refuses a time outside the request's range: the DPO only looks at what was asked for. */
function checkInRange(request: FrameRequest, at: string): number {
  const atMs = Date.parse(at);
  if (!(atMs >= Date.parse(request.from) && atMs < Date.parse(request.to))) {
    throw new AccessError('INVALID', `query.at: ${at} is outside the request's range ${request.from} to ${request.to}: pick a time within it`);
  }
  return atMs;
}

/** The frame at `at` with its numbered people (the frame is returned masked, not yet blurred). */
export async function peopleAt(deps: AccessFrameDeps, request: FrameRequest, at: string): Promise<{ view: PeopleFrame; frame: RecordedFrame }> {
  const atMs = checkInRange(request, at);
  const frame = await recordedFrameAt(deps.source, request.camera, new Date(atMs).toISOString());
  if (request.masks.length > 0) applyMaskBitmap(frame.data, rasterizeMasks(request.masks, frame));
  const detector = await deps.openDetector();
  let boxes: NumberedBox[];
  try {
    boxes = numberPeople(await detector.detect(frame), frame);
  } catch (err) {
    throw new AccessError('UNAVAILABLE', `the person detector failed on this frame: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    await detector.close();
  }
  return { view: { at: new Date(atMs).toISOString(), segment: frame.segment, width: frame.width, height: frame.height, boxes }, frame };
}

export type PeopleAt = (key: string, load: () => Promise<{ view: PeopleFrame; frame: RecordedFrame }>) => Promise<{ view: PeopleFrame; frame: RecordedFrame }>;

/**
 * Shares one decode and detection between the calls for the same frame that
 * overlap (the console asks for the JSON boxes and the JPEG at once), so the
 * detector runs once per frame shown. Each caller gets its own copy of the pixels.
 */
export function sharedPeopleAt(): PeopleAt {
  const inflight = new Map<string, Promise<{ view: PeopleFrame; frame: RecordedFrame }>>();
  return async (key, load) => {
    let pending = inflight.get(key);
    if (!pending) {
      pending = load().finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    const { view, frame } = await pending;
    return { view, frame: { ...frame, data: Buffer.from(frame.data) } };
  };
}

/** The picker JPEG: everyone blurred, outlined and numbered. */
export async function pickerJpeg(frame: RecordedFrame, boxes: readonly NumberedBox[]): Promise<Buffer> {
  drawNumberedPeople(frame, boxes);
  return encodeJpeg(frame, { maxWidth: PICKER_MAX_WIDTH });
}
