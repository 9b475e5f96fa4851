import type { PasswordHasher } from '../auth/passwords.js';
import type { SessionService } from '../auth/sessions.js';
import type { VigieConfig } from '../config/schema.js';
import type { FileSourcePolicy } from '../config/source-policy.js';
import type { RgbFrame } from '../contracts/frame.js';
import type { TrackSnapshot } from '../contracts/track.js';
import type { CameraHealth } from '../pipeline/health.js';
import type { EvidenceService } from '../evidence/service.js';
import type { HealthProbes } from '../metrics/health-checks.js';
import type { Integrations } from '../integrations/index.js';
import type { RecordingRuntime } from '../recording/index.js';
import type { RetentionService } from '../recording/retention-run.js';
import type { PreviewHub } from '../render/mjpeg.js';
import type { Repositories } from '../store/index.js';
import type { LiveHub } from './live-hub.js';

/** The running cameras, as the API sees them. */
export interface CameraRuntime {
  health(): readonly CameraHealth[];
  /** The last analysed frame of a camera (privacy masks applied) and its tracks. */
  latest(cameraId: string): { readonly image: RgbFrame; readonly tracks: readonly TrackSnapshot[] } | null;
  preview(cameraId: string): PreviewHub | null;
  /** Applies a saved configuration to the running cameras (throws and changes nothing when it cannot). */
  apply(config: VigieConfig): Promise<void>;
}

/** What the routes use: narrow ports, built by the runtime (or by tests). */
export interface ServerDeps {
  readonly repos: Repositories;
  readonly sessions: SessionService;
  readonly hasher: PasswordHasher;
  readonly cameras: CameraRuntime;
  readonly live: LiveHub;
  /** Folder of event snapshots (`<id>.jpg`). */
  readonly snapshotDir: string;
  /** The render of an event's snapshot still in progress, if any (the route waits for it). */
  readonly snapshotPending?: (eventId: string) => Promise<void> | undefined;
  readonly version: string;
  /** Session cookies without `Secure` on a loopback host (plain-http development and demo). */
  readonly allowInsecureLocalhost: boolean;
  readonly now: () => number;
  /** Recorded footage (segment index, recorder states); absent when the server runs without recording. */
  readonly recordings?: RecordingRuntime;
  /** Retention runs (shared with the hourly schedule); absent: the retention routes answer 503. */
  readonly retention?: RetentionService;
  /** Evidence exports and the instance signing key; absent: the evidence routes answer 503. */
  readonly evidence?: EvidenceService;
  /** Prometheus metrics (`GET /metrics`) and the token that lets another host read them; absent: the route answers 503. */
  readonly metrics?: { readonly contentType: string; render(): Promise<string>; readonly token: string | null };
  /** Database, disk and detector probes of `GET /api/health`; absent: only cameras and recorders are checked. */
  readonly healthProbes?: HealthProbes;
  /** Folder of the monthly trial reports (`<data>/reports`); absent: the monthly report routes answer 503. */
  readonly reportsDir?: string;
  /** MQTT and webhooks (GET /api/integrations, dead letters); absent: the integrations routes answer 503. */
  readonly integrations?: Integrations;
  /** Which local file sources the API may set (docs/SECURITY.md, "Camera sources allow-list"); absent: none. */
  readonly fileSources?: FileSourcePolicy;
}
