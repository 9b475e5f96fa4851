/**
 * All cameras of a configuration under supervision: one `CameraSupervisor` per
 * enabled camera, kept in step with configuration changes by camera id.
 */
import type { CameraConfig, VigieConfig } from '../config/schema.js';
import { disabledHealth, type CameraHealth } from './health.js';
import { assertRunnableCamera } from './camera-changes.js';
import { createCameraSupervisor, type CameraSupervisor, type CameraSupervisorOptions } from './supervisor.js';

/** Everything a supervisor takes except its camera: shared by every camera of the set. */
export type SupervisorSetDeps = Omit<CameraSupervisorOptions, 'camera'>;

export interface SupervisorSet {
  /** Starts every enabled camera's supervisor. Idempotent. */
  start(): void;
  /**
   * Brings the set in line with `config`: starts supervisors of new (or newly
   * enabled) cameras, stops those of removed or disabled ones, and updates the
   * others in place (see CameraSupervisor.update). Every camera is checked
   * before anything changes: on a camera the pipeline cannot run it throws and
   * the running set is untouched. Resolves once removed cameras' ffmpeg is reaped.
   */
  apply(config: VigieConfig): Promise<void>;
  /** Health of every configured camera, in configuration order (disabled ones included). */
  health(): CameraHealth[];
  get(cameraId: string): CameraSupervisor | undefined;
  /** Stops every supervisor; resolves once no ffmpeg of the set is left. */
  stop(): Promise<void>;
}

/**
 * @example
 * const pool = needsModel ? await createDetectorPool({ detector: { minScore: DETECTION_FLOOR_SCORE } }) : null;
 * const cameras = createSupervisorSet(config, { detector: pool, onEvent: persistThenAnnounce, onHealth: pushHealth });
 * cameras.start();
 * // console edited the config:   await cameras.apply(newConfig);
 * // shutdown:                     await cameras.stop(); await pool?.close();
 */
export function createSupervisorSet(config: VigieConfig, deps: SupervisorSetDeps): SupervisorSet {
  const now = deps.now ?? Date.now;
  const supervisors = new Map<string, CameraSupervisor>();
  let cameras: readonly CameraConfig[] = config.cameras;
  let started = false;
  let stopped = false;

  const create = (camera: CameraConfig): CameraSupervisor => {
    // Schedules follow the config's time zone unless the caller fixed one.
    const supervisor = createCameraSupervisor({ timeZone: config.timezone, ...deps, camera });
    supervisors.set(camera.id, supervisor);
    if (started) supervisor.start();
    return supervisor;
  };

  for (const camera of config.cameras) if (camera.enabled) create(camera);

  return {
    start() {
      if (started || stopped) return;
      started = true;
      for (const supervisor of supervisors.values()) supervisor.start();
    },
    async apply(next) {
      if (stopped) throw new Error('the supervisor set is stopped');
      for (const camera of next.cameras) if (camera.enabled) assertRunnableCamera(camera, deps.detector !== null);
      const wanted = new Map(next.cameras.filter((c) => c.enabled).map((c) => [c.id, c] as const));
      const removed = [...supervisors.entries()].filter(([id]) => !wanted.has(id));
      for (const [id] of removed) supervisors.delete(id);
      for (const camera of wanted.values()) {
        const existing = supervisors.get(camera.id);
        if (existing) existing.update(camera);
        else create(camera);
      }
      cameras = next.cameras;
      await Promise.all(removed.map(([, supervisor]) => supervisor.stop()));
    },
    health() {
      return cameras.map((camera) => supervisors.get(camera.id)?.health() ?? disabledHealth(camera.id, camera.detect.fps, now()));
    },
    get: (cameraId) => supervisors.get(cameraId),
    async stop() {
      stopped = true;
      await Promise.all([...supervisors.values()].map((s) => s.stop()));
    },
  };
}
