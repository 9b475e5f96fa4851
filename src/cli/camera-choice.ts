import { loadConfigFile } from '../config/load.js';
import { cameraSchema, DETECTOR_ENGINES, detectorSchema, emptyConfig, type CameraConfig, type DetectorConfig } from '../config/schema.js';
import { UserError } from './errors.js';

/** The camera of a config file that an offline command applies (by id, or the first). */
export function chooseCamera(configPath: string, cameraId: string | undefined): CameraConfig {
  const config = loadConfigFile(configPath);
  if (config.cameras.length === 0) throw new UserError(`${configPath} has no camera: add one under cameras:`);
  if (cameraId === undefined) return config.cameras[0] as CameraConfig;
  const camera = config.cameras.find((c) => c.id === cameraId);
  if (!camera) {
    throw new UserError(`camera "${cameraId}" is not in ${configPath} (cameras: ${config.cameras.map((c) => c.id).join(', ')})`);
  }
  return camera;
}

/**
 * The detector of an offline command: the config file's `detector` section (or
 * the default), with `--engine` overriding its engine.
 */
export function chooseDetector(configPath: string | undefined, engine: string | undefined): DetectorConfig {
  const base = configPath ? loadConfigFile(configPath).detector : emptyConfig().detector;
  if (engine === undefined || engine === base.engine) return base;
  if (!(DETECTOR_ENGINES as readonly string[]).includes(engine)) {
    throw new UserError(`unknown engine "${engine}": use one of ${DETECTOR_ENGINES.join(', ')}`);
  }
  const parsed = detectorSchema.safeParse({ engine, ...(base.workers !== undefined ? { workers: base.workers } : {}) });
  if (!parsed.success) throw new UserError(`--engine ${engine}: ${parsed.error.issues.map((i) => i.message).join('; ')} (set it in the config's detector section)`);
  return parsed.data;
}

/** A camera with default detection settings and no rules, for commands run without a config. */
export function defaultCamera(id: string, source: string): CameraConfig {
  return cameraSchema.parse({ id, source });
}
