/**
 * Live preview of one camera: a hub that turns the pipeline's frames into
 * overlay JPEGs for whoever watches, and helpers that serve them as an MJPEG
 * HTTP stream (`multipart/x-mixed-replace`), which every browser shows in a
 * plain <img> with sub-second latency.
 *
 * The hub does no work while nobody watches, renders at most `maxFps`, and drops
 * frames (never queues them) while the previous one is still being encoded, so
 * a slow encoder costs frame rate, not latency or memory. Two variants exist:
 * people blurred (the default for every viewer) and unblurred (for viewers with
 * the permission; issue 7 audits those views); each is rendered only while it
 * has a subscriber.
 */
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { RgbFrame } from '../contracts/frame.js';
import type { TrackSnapshot } from '../contracts/track.js';
import { encodeJpeg } from './jpeg.js';
import { renderOverlay, type OverlayCamera } from './overlay.js';

export interface PreviewHubOptions {
  /** Zones, lines, masks and rules drawn on the preview (replace with setCamera). */
  readonly camera: OverlayCamera;
  /** Most frames rendered per second (default 5). */
  readonly maxFps?: number;
  /** JPEG quality (default 70). */
  readonly quality?: number;
  /** Preview width limit in pixels (default 640). */
  readonly maxWidth?: number;
  /** Clock in milliseconds (default performance.now); tests inject one. */
  readonly now?: () => number;
  /** Called with render, encode and listener errors (default: ignored; the hub never throws). */
  readonly onError?: (err: unknown) => void;
}

export interface PreviewSubscribeOptions {
  /** Blur people in this viewer's frames (default true). */
  readonly blurPeople?: boolean;
}

export type PreviewListener = (jpeg: Buffer) => void;

/** Counters for health and metrics. */
export interface PreviewStats {
  readonly published: number;
  /** Frames rendered (each may be encoded once per variant). */
  readonly rendered: number;
  readonly skippedNoViewer: number;
  readonly skippedRate: number;
  readonly skippedBusy: number;
  readonly errors: number;
  readonly subscribers: number;
}

export interface PreviewHub {
  /**
   * Offers a frame (already privacy-masked or not: masks are applied again) with
   * its tracks (pixel boxes of this frame) and the ids to highlight (tracks in
   * open events). The pixels are copied before this returns, so the caller may
   * reuse the buffer at once. Resolves true when the frame was rendered and
   * delivered, false when it was skipped (no viewer, rate limit, busy); never rejects.
   */
  publish(frame: RgbFrame, tracks?: readonly TrackSnapshot[], highlight?: readonly number[]): Promise<boolean>;
  /** Receives every rendered JPEG of the chosen variant until the returned function is called. */
  subscribe(listener: PreviewListener, options?: PreviewSubscribeOptions): () => void;
  /** Replaces the drawn configuration (live config changes). */
  setCamera(camera: OverlayCamera): void;
  readonly subscribers: number;
  stats(): PreviewStats;
}

export const PREVIEW_DEFAULTS = { maxFps: 5, quality: 70, maxWidth: 640 } as const;

/**
 * Creates one camera's preview hub.
 *
 * Rate limit: a frame is rendered when the clock has reached the next slot;
 * slots follow a grid `1000 / maxFps` ms apart (so a source at exactly maxFps
 * with jitter is not halved), and two rendered frames are never closer than half
 * a slot. Over any long run, at most maxFps frames per second are rendered.
 */
export function createPreviewHub(options: PreviewHubOptions): PreviewHub {
  const maxFps = options.maxFps ?? PREVIEW_DEFAULTS.maxFps;
  if (!(maxFps > 0)) throw new RangeError(`maxFps must be positive, got ${maxFps}`);
  const quality = options.quality ?? PREVIEW_DEFAULTS.quality;
  const maxWidth = options.maxWidth ?? PREVIEW_DEFAULTS.maxWidth;
  const now = options.now ?? (() => performance.now());
  const onError = options.onError ?? (() => undefined);
  const interval = 1000 / maxFps;
  let camera = options.camera;
  const blurred = new Set<PreviewListener>();
  const clear = new Set<PreviewListener>();
  let busy = false;
  let nextAt = -Infinity;
  const counts = { published: 0, rendered: 0, skippedNoViewer: 0, skippedRate: 0, skippedBusy: 0, errors: 0 };

  const fail = (err: unknown): void => {
    counts.errors++;
    try {
      onError(err);
    } catch {
      // An error handler that throws must not break the pipeline that publishes.
    }
  };

  const deliver = (listeners: ReadonlySet<PreviewListener>, jpeg: Buffer): void => {
    for (const listener of [...listeners]) {
      try {
        listener(jpeg);
      } catch (err) {
        fail(err);
      }
    }
  };

  const renderVariant = (frame: RgbFrame, tracks: readonly TrackSnapshot[], highlight: readonly number[], blurPeople: boolean): Promise<Buffer> => {
    const drawn = renderOverlay(frame, { camera, tracks, highlight, blurPeople, labels: true });
    return encodeJpeg(drawn, { quality, maxWidth });
  };

  return {
    async publish(frame, tracks = [], highlight = []) {
      counts.published++;
      if (blurred.size + clear.size === 0) {
        counts.skippedNoViewer++;
        return false;
      }
      const t = now();
      if (t < nextAt) {
        counts.skippedRate++;
        return false;
      }
      if (busy) {
        counts.skippedBusy++;
        return false;
      }
      nextAt = nextAt === -Infinity ? t + interval : Math.max(nextAt + interval, t + interval / 2);
      busy = true;
      try {
        // Both variants are drawn now (synchronously copying the pixels), encoded in parallel.
        const jobs: Promise<void>[] = [];
        if (blurred.size > 0) jobs.push(renderVariant(frame, tracks, highlight, true).then((jpeg) => deliver(blurred, jpeg)));
        if (clear.size > 0) jobs.push(renderVariant(frame, tracks, highlight, false).then((jpeg) => deliver(clear, jpeg)));
        await Promise.all(jobs);
        counts.rendered++;
        return true;
      } catch (err) {
        fail(err);
        return false;
      } finally {
        busy = false;
      }
    },
    subscribe(listener, opts = {}) {
      const set = opts.blurPeople === false ? clear : blurred;
      // A listener object subscribed twice gets its own entry per subscription.
      const own: PreviewListener = (jpeg) => listener(jpeg);
      set.add(own);
      return () => {
        set.delete(own);
      };
    },
    setCamera(next) {
      camera = next;
    },
    get subscribers() {
      return blurred.size + clear.size;
    },
    stats() {
      return { ...counts, subscribers: blurred.size + clear.size };
    },
  };
}

// --- MJPEG over HTTP ---------------------------------------------------------

/** Multipart boundary of Vigie's MJPEG streams. */
export const MJPEG_BOUNDARY = 'vigie-mjpeg-frame';

/** `multipart/x-mixed-replace; boundary=...` */
export function mjpegContentType(boundary = MJPEG_BOUNDARY): string {
  return `multipart/x-mixed-replace; boundary=${boundary}`;
}

/** Response headers of an MJPEG stream: the content type and no caching or proxy buffering. */
export function mjpegHeaders(boundary = MJPEG_BOUNDARY): Record<string, string> {
  return {
    'Content-Type': mjpegContentType(boundary),
    'Cache-Control': 'no-store, no-cache, must-revalidate, private',
    Pragma: 'no-cache',
    'X-Accel-Buffering': 'no',
  };
}

/**
 * Writes one part (`--boundary`, Content-Type, Content-Length, blank line,
 * the JPEG, CRLF). Returns the stream's `write` result: false means its buffer
 * is full and the caller should skip frames until 'drain'.
 */
export function writeMjpegPart(stream: Writable, jpeg: Uint8Array, boundary = MJPEG_BOUNDARY): boolean {
  const head = `--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`;
  stream.cork();
  stream.write(head);
  stream.write(jpeg);
  const ok = stream.write('\r\n');
  process.nextTick(() => stream.uncork());
  return ok;
}

export interface MjpegStreamOptions extends PreviewSubscribeOptions {
  readonly boundary?: string;
}

/**
 * Serves `hub` on an HTTP response as an MJPEG stream until the client goes
 * away or the returned function is called (which ends the response). Frames
 * arriving while the client's socket is still full are dropped, so a slow
 * client never makes the server buffer. With Fastify: `reply.hijack()` then
 * `streamMjpeg(hub, reply.raw, { blurPeople })`.
 */
export function streamMjpeg(hub: PreviewHub, res: ServerResponse, options: MjpegStreamOptions = {}): () => void {
  const boundary = options.boundary ?? MJPEG_BOUNDARY;
  res.writeHead(200, mjpegHeaders(boundary));
  res.flushHeaders();
  let stopped = false;
  const unsubscribe = hub.subscribe((jpeg) => {
    if (stopped || res.destroyed || res.writableNeedDrain) return;
    writeMjpegPart(res, jpeg, boundary);
  }, options.blurPeople === undefined ? {} : { blurPeople: options.blurPeople });
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    if (!res.writableEnded) res.end();
  };
  res.once('close', stop);
  return stop;
}
