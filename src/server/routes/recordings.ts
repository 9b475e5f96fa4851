import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EvidenceError, type EvidenceErrorCode } from '../../evidence/errors.js';
import type { FootageFile } from '../../evidence/footage.js';
import { buildVodPlaylist, clipSpan, type RecordingRuntime } from '../../recording/index.js';
import type { Segment } from '../../recording/segment-index.js';
import type { ServerDeps } from '../deps.js';
import { HttpError, notFound } from '../http-error.js';
import { route, type RouteSpec } from '../route.js';

const isoTime = z.iso.datetime({ offset: true });
const cameraParams = z.object({ id: z.string().min(1).max(200) }).strict();
const rangeQuery = z
  .object({
    from: isoTime.optional().describe('Default: 24 hours before `to`'),
    to: isoTime.optional().describe('Default: now'),
  })
  .strict();
const clipQuery = z
  .object({
    pre: z.coerce.number().min(0).max(600).default(10).describe('Seconds before the event'),
    post: z.coerce.number().min(0).max(600).default(10).describe('Seconds after its end'),
  })
  .strict();
const footageQuery = z
  .object({
    from: isoTime.describe('Start of the range (at most 10 minutes before `to`)'),
    to: isoTime.describe('End of the range'),
  })
  .strict();
const segmentParams = z.object({ file: z.string().min(1).max(300) }).strict();

/** Segment ids are `<camera>_<compact UTC start>`; anything else could walk out of the folder. */
const SEGMENT_FILE = /^([a-z0-9][a-z0-9-]*_\d{8}T\d{9}Z)\.ts$/;
const DAY_MS = 86_400_000;
/** One playlist covers at most this long (a week of 60 s segments is ~10 000 entries). */
const MAX_SPAN_MS = 7 * DAY_MS;

/** ALTERED cannot happen here (no hash check on playback); a decode failure is UNAVAILABLE. */
const FOOTAGE_STATUS: Record<EvidenceErrorCode, number> = { INVALID: 400, NOT_FOUND: 404, ALTERED: 409, TOO_LARGE: 413, UNAVAILABLE: 503, NOT_A_BUNDLE: 500 };

const segmentView = (s: Segment) => ({ id: s.id, start: s.start, end: s.end, duration_s: s.durationS, bytes: s.bytes });
const segmentUri = (s: Segment): string => `/api/recordings/segments/${s.id}.ts`;

export function recordingRoutes(deps: ServerDeps): RouteSpec[] {
  const recordings = (): RecordingRuntime => {
    if (!deps.recordings) throw new HttpError(503, 'RECORDING_UNAVAILABLE', 'recording is not running on this server');
    return deps.recordings;
  };
  const span = (query: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } => {
    const toMs = query.to ? Date.parse(query.to) : deps.now();
    const fromMs = query.from ? Date.parse(query.from) : toMs - DAY_MS;
    if (!(fromMs < toMs)) throw new HttpError(400, 'INVALID_INPUT', 'query.from must be before query.to');
    if (toMs - fromMs > MAX_SPAN_MS) throw new HttpError(400, 'INVALID_INPUT', 'ask for at most 7 days at a time: narrow query.from and query.to');
    return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
  };
  const knownCamera = async (id: string): Promise<void> => {
    const config = (await deps.repos.config.current())?.config;
    const known = config?.cameras.some((c) => c.id === id) ?? false;
    // A camera removed from the configuration may still have footage within retention.
    if (!known && (await recordings().index.list({ camera: id, limit: 1 })).length === 0) throw notFound(`camera ${id}`);
  };
  const playlist = async (camera: string, from: string, to: string, args: Pick<RouteArgs, 'auth' | 'reply' | 'request'>, what: string): Promise<unknown> => {
    const { auth, reply, request } = args;
    const segments = await recordings().index.list({ camera, from, to });
    // One audit entry per playlist (a viewing: who, which camera, which range, from where), not per segment request.
    await deps.repos.audit.append({ actor: auth?.user.id ?? 'unknown', action: 'recording.view', target: camera, details: { from, to, segments: segments.length, what, ip: request.ip } });
    return reply.header('cache-control', 'private, no-store').type('application/vnd.apple.mpegurl').send(buildVodPlaylist(segments, { uri: segmentUri }));
  };

  /**
   * The blurred MP4 of a range (rendered or cached), with Range support. A
   * viewing is audited once: on the request without a range or from byte 0,
   * not on each later range a player asks while seeking.
   */
  /** The range of an event's clip: the event with pre- and post-roll. */
  const eventClip = async (eventId: string, roll: z.infer<typeof clipQuery>): Promise<{ camera: string; fromMs: number; toMs: number; eventId: string }> => {
    const stored = await deps.repos.events.get(eventId);
    if (!stored) throw notFound(`event ${eventId}`);
    const { event } = stored;
    const duration = event.end === null ? null : event.end - event.start;
    const { fromMs, toMs } = clipSpan(event.start_time, duration, roll.pre, roll.post);
    return { camera: event.camera, fromMs, toMs, eventId: event.id };
  };
  const blurredFootage = async (camera: string, fromMs: number, toMs: number, args: Pick<RouteArgs, 'auth' | 'reply' | 'request'>): Promise<unknown> => {
    const { auth, reply, request } = args;
    if (!deps.evidence) throw new HttpError(503, 'UNAVAILABLE', 'blurred footage is not set up on this server (no evidence service in the runtime)');
    let file: FootageFile;
    try {
      // Each request is a moment to drop expired renders and renders of segments retention removed.
      await deps.evidence.sweepFootage();
      file = await deps.evidence.footage(camera, fromMs, toMs);
    } catch (err) {
      if (!(err instanceof EvidenceError)) throw err;
      throw new HttpError(FOOTAGE_STATUS[err.code], err.code, err.message);
    }
    const range = parseRange(request.headers.range, file.bytes);
    if (range === null || (range !== 'unsatisfiable' && range.start === 0)) {
      await deps.repos.audit.append({ actor: auth?.user.id ?? 'unknown', action: 'recording.view', target: camera, details: { camera, from: file.from, to: file.to, blurred: true } });
    }
    reply.header('accept-ranges', 'bytes').header('cache-control', 'private, no-store').type('video/mp4');
    if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${file.bytes}`).send();
    if (range === null) return reply.header('content-length', file.bytes).send(createReadStream(file.path));
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${file.bytes}`)
      .header('content-length', range.end - range.start + 1)
      .send(createReadStream(file.path, { start: range.start, end: range.end }));
  };

  return [
    route({
      method: 'GET',
      url: '/api/recording/status',
      summary: 'Recording state of each camera that records: recording, stopped, disk_full or error',
      tag: 'recordings',
      access: 'cameras.read',
      // `storage.alert`: retention could not keep the free space above recording.min_free_mb without it.
      handler: () => Promise.resolve({ cameras: deps.recordings?.status() ?? [], storage: { alert: deps.retention?.storageAlert() ?? null } }),
    }),
    route({
      method: 'GET',
      url: '/api/cameras/:id/recordings',
      summary: "A camera's recorded segments and gaps overlapping [from, to)",
      tag: 'recordings',
      access: 'recordings.view',
      params: cameraParams,
      query: rangeQuery,
      async handler({ params, query }) {
        await knownCamera(params.id);
        const { from, to } = span(query);
        const { index } = recordings();
        const [segments, gaps] = await Promise.all([index.list({ camera: params.id, from, to }), index.gaps({ camera: params.id, from, to })]);
        return { from, to, segments: segments.map(segmentView), gaps: gaps.map((g) => ({ start: g.start, end: g.end, reason: g.reason })) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/cameras/:id/recordings/playlist.m3u8',
      summary: 'HLS VOD playlist of the recorded segments in [from, to) (audited)',
      tag: 'recordings',
      access: 'recordings.view_original',
      params: cameraParams,
      query: rangeQuery,
      response: { contentType: 'application/vnd.apple.mpegurl' },
      async handler({ params, query, auth, reply, request }) {
        await knownCamera(params.id);
        const { from, to } = span(query);
        return playlist(params.id, from, to, { auth, reply, request }, 'range');
      },
    }),
    route({
      method: 'GET',
      url: '/api/events/:id/clip.m3u8',
      summary: "HLS playlist of the footage around an event, with pre- and post-roll (audited)",
      tag: 'recordings',
      access: 'recordings.view_original',
      params: cameraParams,
      query: clipQuery,
      response: { contentType: 'application/vnd.apple.mpegurl' },
      async handler({ params, query, auth, reply, request }) {
        const { camera, fromMs, toMs, eventId } = await eventClip(params.id, query);
        return playlist(camera, new Date(fromMs).toISOString(), new Date(toMs).toISOString(), { auth, reply, request }, `event ${eventId}`);
      },
    }),
    route({
      method: 'GET',
      url: '/api/events/:id/clip.mp4',
      summary: "The footage around an event (pre- and post-roll as clip.m3u8), people blurred and privacy masks filled, H.264 MP4 with Range support (audited; rendering may take tens of seconds)",
      tag: 'recordings',
      access: 'recordings.view',
      params: cameraParams,
      query: clipQuery,
      response: { contentType: 'video/mp4' },
      async handler({ params, query, auth, reply, request }) {
        const { camera, fromMs, toMs } = await eventClip(params.id, query);
        return blurredFootage(camera, fromMs, toMs, { auth, reply, request });
      },
    }),
    route({
      method: 'GET',
      url: '/api/cameras/:id/footage.mp4',
      summary: "A camera's recorded footage over [from, to) (at most 10 minutes), people blurred and privacy masks filled, H.264 MP4 with Range support (audited; rendering may take tens of seconds)",
      tag: 'recordings',
      access: 'recordings.view',
      params: cameraParams,
      query: footageQuery,
      response: { contentType: 'video/mp4' },
      async handler({ params, query, auth, reply, request }) {
        await knownCamera(params.id);
        return blurredFootage(params.id, Date.parse(query.from), Date.parse(query.to), { auth, reply, request });
      },
    }),
    route({
      method: 'GET',
      url: '/api/recordings/segments/:file',
      summary: 'One recorded segment (MPEG-TS, `<id>.ts`), with HTTP Range support; not audited per request',
      tag: 'recordings',
      access: 'recordings.view_original',
      params: segmentParams,
      response: { contentType: 'video/mp2t' },
      async handler({ params, request, reply }) {
        const match = SEGMENT_FILE.exec(params.file);
        if (!match) throw notFound(`segment ${params.file}`);
        const { index, recordingsDir } = recordings();
        const segment = await index.get(match[1] as string);
        if (!segment) throw notFound(`segment ${params.file}`);
        const path = join(recordingsDir, segment.path);
        let size: number;
        try {
          size = (await stat(path)).size;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`file of segment ${segment.id}`);
          throw err;
        }
        reply.header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=3600').type('video/mp2t');
        const range = parseRange(request.headers.range, size);
        if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${size}`).send();
        if (range === null) return reply.header('content-length', size).send(createReadStream(path));
        return reply
          .code(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
          .header('content-length', range.end - range.start + 1)
          .send(createReadStream(path, { start: range.start, end: range.end }));
      },
    }),
  ];
}

type RouteArgs = Parameters<RouteSpec['handler']>[0];

/** One `bytes=` range (the first of a list); null when absent or not a byte range. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
