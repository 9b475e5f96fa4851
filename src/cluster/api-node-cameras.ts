/**
 * The cameras as an API node sees them: they run on workers, which announce each
 * camera's health on NATS. This object stands where the single box's camera
 * runtime stands (`/api/health`, `/api/cameras`, the consoles' health pushes), with
 * no frames: live views and previews need the camera's worker.
 */
import type { VigieConfig } from '../config/schema.js';
import type { HealthMessage } from '../bus/types.js';
import type { CameraHealth } from '../pipeline/health.js';
import type { CameraRuntime } from '../server/deps.js';

/** A camera no worker has reported on for this long is shown offline (workers report every few seconds). */
export const REMOTE_HEALTH_STALE_MS = 15_000;
/** Health is pushed to consoles on every state change, and at least this often (as on a single box). */
const PUSH_INTERVAL_MS = 5000;

export interface RemoteCameras extends CameraRuntime {
  /** A worker's report came in. */
  onHealth(message: HealthMessage): void;
  /** Pushes the cameras whose state changed without a report (went silent: offline); call every few seconds. */
  sweep(): void;
  /** Another node saved a configuration: list its cameras from now on. */
  reload(config: VigieConfig): void;
}

export interface RemoteCamerasDeps {
  readonly config: VigieConfig;
  /** Pushes a health change to the consoles. */
  readonly push: (health: CameraHealth) => void;
  /** After a configuration was saved through this node: tell the workers. */
  readonly configSaved: (config: VigieConfig) => Promise<void>;
  readonly now?: () => number;
}

export function createRemoteCameras(deps: RemoteCamerasDeps): RemoteCameras {
  const now = deps.now ?? Date.now;
  let config = deps.config;
  const reports = new Map<string, { readonly health: CameraHealth; readonly at: number }>();
  const pushed = new Map<string, { readonly state: string; readonly at: number }>();
  const silentSince = new Map<string, string>();

  const healthOf = (camera: VigieConfig['cameras'][number], at: number): CameraHealth => {
    const targetFps = camera.detect.fps;
    if (!camera.enabled) return { camera: camera.id, state: 'disabled', since: new Date(at).toISOString(), lastFrameAt: null, analysisFps: 0, targetFps, framesDropped: 0, restarts: 0, lastError: null, offlineReason: null };
    const report = reports.get(camera.id);
    if (report && at - report.at <= REMOTE_HEALTH_STALE_MS) {
      silentSince.delete(camera.id);
      return report.health;
    }
    const since = silentSince.get(camera.id) ?? new Date(report ? report.at + REMOTE_HEALTH_STALE_MS : at).toISOString();
    silentSince.set(camera.id, since);
    return {
      ...(report?.health ?? { lastFrameAt: null, framesDropped: 0, restarts: 0 }),
      camera: camera.id,
      state: 'offline',
      since,
      analysisFps: 0,
      targetFps,
      lastError: `no worker has reported on this camera for ${REMOTE_HEALTH_STALE_MS / 1000} s (is a worker running? see docs/SCALE-OUT.md)`,
      offlineReason: 'unreachable',
    };
  };

  const pushIfDue = (health: CameraHealth, at: number): void => {
    const previous = pushed.get(health.camera);
    if (previous && previous.state === health.state && at - previous.at < PUSH_INTERVAL_MS) return;
    pushed.set(health.camera, { state: health.state, at });
    deps.push(health);
  };

  return {
    health: () => {
      const at = now();
      return config.cameras.map((c) => healthOf(c, at));
    },
    latest: () => null,
    preview: () => null,
    async apply(next) {
      config = next;
      await deps.configSaved(next);
    },
    reload(next) {
      config = next;
    },
    onHealth(message) {
      const camera = config.cameras.find((c) => c.id === message.health.camera);
      if (!camera) return; // a worker still on an older configuration
      const at = now();
      reports.set(camera.id, { health: message.health, at });
      pushIfDue(healthOf(camera, at), at);
    },
    sweep() {
      const at = now();
      for (const camera of config.cameras) {
        const health = healthOf(camera, at);
        if (pushed.get(camera.id)?.state !== health.state) pushIfDue(health, at);
      }
    },
  };
}
