/**
 * Vigie's Prometheus metrics: one registry per server (never prom-client's
 * global one: tests run several servers in one process). Values are read from
 * the runtime's ports once per scrape (`takeSnapshot`); only what no port keeps
 * (frames, events, detection times, retention runs) is counted as it happens.
 * Labels carry camera ids, event types, states and reasons only: no personal data.
 * Every metric is described in docs/MONITORING.md.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CAMERA_HEALTH_STATES } from '../pipeline/health.js';
import { RECORDER_STATES } from '../recording/index.js';
import { dropsByReason } from './drops.js';
import { createLiveCounters, type LiveCounters } from './live-counters.js';
import { takeSnapshot, type MetricsSources, type ScrapeSnapshot } from './sources.js';

/** Detection latency buckets, seconds: a small model on a fast core (20 ms) to an overloaded CPU (5 s). */
export const DETECTION_SECONDS_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2.5, 5];

const SOURCE_STATES = ['starting', 'running', 'frozen', 'corrupt', 'reconnecting', 'stalled', 'ended', 'failed'];

/** A numeric field of the frame source's stats, read defensively (the media layer adds fields over time). */
const statNumber = (stats: object, key: string): number | null => {
  const value = (stats as Record<string, unknown>)[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

export interface VigieMetrics extends LiveCounters {
  readonly contentType: string;
  /** Called by the detector pool after each detection. */
  observeDetection(detectMs: number): void;
  /** The Prometheus text exposition of every metric, read now. */
  render(): Promise<string>;
}

type Setter<L extends string> = (labels: Partial<Record<L, string>>, value: number) => void;
type Read<L extends string> = (snapshot: ScrapeSnapshot, set: Setter<L>) => void;

export function createVigieMetrics(sources: MetricsSources, options: { readonly version: string; readonly now?: () => number }): VigieMetrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  const counters = createLiveCounters();
  let snapshot: ScrapeSnapshot | null = null;
  let inProgress: Promise<string> | null = null;

  // Metrics read from the scrape's snapshot: cleared then set at each scrape, so a removed camera disappears.
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], read: Read<L>): void => {
    new Gauge<L>({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        if (snapshot) read(snapshot, (labels, value) => this.set(labels, value));
      },
    });
  };
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[], read: Read<L>): void => {
    new Counter<L>({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        if (snapshot) read(snapshot, (labels, value) => this.inc(labels, Math.max(0, value)));
      },
    });
  };

  gauge('vigie_info', 'Always 1; the label says which Vigie version runs.', ['version'], (_s, set) => set({ version: options.version }, 1));

  // --- cameras ---
  gauge('vigie_camera_analysis_fps', 'Frames analysed per second over the health window (frames/s).', ['camera'], (s, set) => {
    for (const c of s.cameras) set({ camera: c.camera }, c.analysisFps);
  });
  gauge('vigie_camera_target_fps', "The camera's detect.fps (frames/s).", ['camera'], (s, set) => {
    for (const c of s.cameras) set({ camera: c.camera }, c.targetFps);
  });
  gauge('vigie_camera_state', 'Health state of the camera: 1 for the current state, 0 for the others.', ['camera', 'state'], (s, set) => {
    for (const c of s.cameras) for (const state of CAMERA_HEALTH_STATES) set({ camera: c.camera, state }, c.state === state ? 1 : 0);
  });
  gauge('vigie_camera_last_frame_age_seconds', 'Seconds since the last frame reached the pipeline (absent before the first frame).', ['camera'], (s, set) => {
    for (const c of s.cameras) if (c.lastFrameAt) set({ camera: c.camera }, Math.max(0, (s.atMs - Date.parse(c.lastFrameAt)) / 1000));
  });
  counter('vigie_camera_frames_total', 'Frames that reached the pipeline (analysed, or coasted when the detector was busy).', ['camera'], (s, set) => {
    for (const c of s.cameras) set({ camera: c.camera }, counters.frames().get(c.camera)?.frames ?? 0);
  });
  counter('vigie_camera_frames_decoded_total', 'Frames decoded from the source: those that reached the pipeline plus those dropped because its queue was full.', ['camera'], (s, set) => {
    for (const c of s.cameras) {
      const counts = counters.frames().get(c.camera);
      set({ camera: c.camera }, (counts?.frames ?? 0) + (dropsByReason(c, counts, s.drops.get(c.camera) ?? null).get('source_queue_full') ?? 0));
    }
  });
  counter('vigie_camera_frames_dropped_total', 'Frames not analysed, by reason: source_queue_full (decoded faster than analysed), detector_busy (coasted), detector_failed.', ['camera', 'reason'], (s, set) => {
    for (const c of s.cameras) for (const [reason, n] of dropsByReason(c, counters.frames().get(c.camera), s.drops.get(c.camera) ?? null)) set({ camera: c.camera, reason }, n);
  });
  counter('vigie_camera_restarts_total', 'Pipeline restarts after a failure plus stream reconnections, since the camera started.', ['camera'], (s, set) => {
    for (const c of s.cameras) set({ camera: c.camera }, c.restarts);
  });
  counter('vigie_camera_source_reconnects_total', 'Stream reconnections of the running frame source (starts again from 0 when the pipeline restarts).', ['camera'], (s, set) => {
    for (const [camera, stats] of s.sources) set({ camera }, stats.restarts);
  });
  counter('vigie_camera_source_decode_errors_total', 'Decode errors reported by the running frame source (starts again from 0 when the pipeline restarts).', ['camera'], (s, set) => {
    for (const [camera, stats] of s.sources) {
      const errors = statNumber(stats, 'decodeErrors');
      if (errors !== null) set({ camera }, errors);
    }
  });
  counter('vigie_camera_source_watchdog_restarts_total', 'ffmpeg restarts of the running frame source because the picture stayed frozen or the stream corrupt (also in reconnects).', ['camera', 'reason'], (s, set) => {
    for (const [camera, stats] of s.sources) {
      for (const [reason, key] of [['frozen', 'frozenRestarts'], ['corrupt', 'corruptRestarts']] as const) {
        const n = statNumber(stats, key);
        if (n !== null) set({ camera, reason }, n);
      }
    }
  });
  gauge('vigie_camera_source_state', 'State of the running frame source (frozen: the picture does not change; corrupt: many decode errors): 1 for the current one.', ['camera', 'state'], (s, set) => {
    for (const [camera, stats] of s.sources) {
      const states = SOURCE_STATES.includes(stats.state) ? SOURCE_STATES : [...SOURCE_STATES, stats.state];
      for (const state of states) set({ camera, state }, stats.state === state ? 1 : 0);
    }
  });

  // --- recording ---
  gauge('vigie_recorder_state', "State of the camera's recorder: 1 for the current one.", ['camera', 'state'], (s, set) => {
    for (const r of s.recorders) for (const state of RECORDER_STATES) set({ camera: r.camera, state }, r.state === state ? 1 : 0);
  });
  gauge('vigie_recording_segments', 'Recorded segments in the index (retention removes old ones).', ['camera'], (s, set) => {
    for (const [camera, t] of s.segments) set({ camera }, t.segments);
  });
  gauge('vigie_recording_bytes', 'Bytes of the recorded segments in the index.', ['camera'], (s, set) => {
    for (const [camera, t] of s.segments) set({ camera }, t.bytes);
  });

  // --- detector pool ---
  const inference = new Histogram({
    name: 'vigie_detector_inference_seconds', help: 'Time a detector worker spent on one frame or crop (seconds).',
    buckets: DETECTION_SECONDS_BUCKETS, registers: [registry],
  });
  gauge('vigie_detector_workers', 'Detector worker threads configured.', [], (s, set) => s.detector && set({}, s.detector.size));
  gauge('vigie_detector_ready_workers', 'Detector workers started and ready.', [], (s, set) => s.detector && set({}, s.detector.ready));
  gauge('vigie_detector_busy_workers', 'Detector workers detecting right now.', [], (s, set) => s.detector && set({}, s.detector.busy));
  gauge('vigie_detector_queue_depth', 'Frames waiting for a detector worker (queued plus callers waiting for room).', [], (s, set) => s.detector && set({}, s.detector.queued + s.detector.waiting));
  counter('vigie_detector_completed_total', 'Detections completed.', [], (s, set) => s.detector && set({}, s.detector.completed));
  counter('vigie_detector_failed_total', 'Detections that failed (worker error or crash, pool closed).', [], (s, set) => s.detector && set({}, s.detector.failed));
  counter('vigie_detector_dropped_total', 'Frames the pool refused because it was full (all cameras; per camera: reason detector_busy).', [], (s, set) => s.detector && set({}, s.detector.dropped));
  counter('vigie_detector_restarts_total', 'Detector workers restarted after a crash.', [], (s, set) => s.detector && set({}, s.detector.restarts));

  // --- events ---
  counter('vigie_events_total', 'Events opened, by camera and type (rate() gives events per second).', ['camera', 'type'], (_s, set) => {
    for (const [camera, byType] of counters.eventsOpened()) for (const [type, n] of byType) set({ camera, type }, n);
  });
  gauge('vigie_events_open', 'Events open now.', ['camera'], (_s, set) => {
    for (const [camera, n] of counters.eventsOpen()) set({ camera }, n);
  });

  // --- storage ---
  gauge('vigie_disk_free_bytes', 'Bytes free for Vigie on the filesystem of a folder (recordings, data).', ['folder'], (s, set) => {
    for (const [folder, bytes] of s.freeBytes) set({ folder }, bytes);
  });
  gauge('vigie_database_size_bytes', 'Size of the SQLite database file and its write-ahead log.', [], (s, set) => s.databaseBytes !== null && set({}, s.databaseBytes));
  counter('vigie_retention_runs_total', 'Retention runs done (not dry runs).', [], (_s, set) => set({}, counters.retention().runs));
  gauge('vigie_retention_last_run_timestamp_seconds', 'Unix time of the last retention run (absent before the first).', [], (_s, set) => {
    const at = counters.retention().lastRunMs;
    if (at !== null) set({}, at / 1000);
  });
  counter('vigie_retention_segments_deleted_total', 'Segments deleted by retention (expired, or oldest under disk pressure).', [], (_s, set) => set({}, counters.retention().segmentsDeleted));
  counter('vigie_retention_snapshots_deleted_total', 'Event snapshots deleted by retention.', [], (_s, set) => set({}, counters.retention().snapshotsDeleted));
  counter('vigie_retention_freed_bytes_total', 'Bytes freed by retention.', [], (_s, set) => set({}, counters.retention().bytesFreed));

  // --- live consoles ---
  gauge('vigie_live_clients', 'Consoles connected to the live WebSocket.', [], (s, set) => set({}, s.liveClients));
  counter('vigie_live_slow_clients_disconnected_total', 'Console WebSockets cut off because they fell too far behind (the message was not sent to them).', [], (s, set) => set({}, s.liveSlowClientsDisconnected));

  // --- event stream (API nodes of a scale-out installation, docs/SCALE-OUT.md) ---
  counter('vigie_stream_changes_total', 'Event changes this API node took from the JetStream stream, by outcome: stored, fenced (from a worker that lost the camera: dropped), failed (write failed: redelivered later).', ['outcome'], (_s, set) => {
    const c = sources.eventStream?.();
    if (!c) return;
    set({ outcome: 'stored' }, c.consumed);
    set({ outcome: 'fenced' }, c.fenced);
    set({ outcome: 'failed' }, c.failed);
  });
  counter('vigie_stream_redeliveries_total', 'Event changes delivered to this API node more than once (a crash or a slow acknowledgement; stored once all the same).', [], (_s, set) => {
    const c = sources.eventStream?.();
    if (c) set({}, c.redelivered);
  });

  // Process: RSS, CPU, heap, event-loop lag, GC, under prom-client's usual names.
  collectDefaultMetrics({ register: registry });

  return {
    ...counters,
    contentType: registry.contentType,
    observeDetection(detectMs) {
      inference.observe(detectMs / 1000);
    },
    render() {
      // Scrapes at the same moment share one snapshot and one text.
      inProgress ??= (async () => {
        snapshot = await takeSnapshot(sources, now());
        return registry.metrics();
      })().finally(() => {
        snapshot = null;
        inProgress = null;
      });
      return inProgress;
    },
  };
}
