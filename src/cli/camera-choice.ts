import { loadConfigFile } from '../config/load.js';
import { cameraSchema, type CameraConfig } from '../config/schema.js';
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

/** A camera with default detection settings and no rules, for commands run without a config. */
export function defaultCamera(id: string, source: string): CameraConfig {
  return cameraSchema.parse({ id, source });
}
