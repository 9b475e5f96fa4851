import type { TestCameraCliOptions } from '../main.js';
import { UserError } from '../errors.js';
import { startFaultControl } from '../../testcam/control-http.js';
import { startTestCameras, TEST_CAMERA_FAULTS } from '../../testcam/index.js';

/**
 * `vigie test-camera`: local RTSP cameras looping a video file, with a fault
 * control endpoint, until Ctrl-C (every ffmpeg reaped on the way out).
 */
export async function runTestCamera(opts: TestCameraCliOptions): Promise<void> {
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const cameras = await startTestCameras({
    file: opts.file,
    cameras: opts.cameras,
    port: opts.port,
    host: opts.host,
    fps: opts.fps,
    width: opts.width,
    ...(opts.user !== undefined ? { username: opts.user, password: opts.password ?? '' } : {}),
    onLog: (line) => void process.stderr.write(`${line}\n`),
  }).catch((err: unknown) => {
    throw new UserError((err as Error).message);
  });
  const control = await startFaultControl(cameras, opts.controlPort ?? cameras.port + 1, '127.0.0.1').catch(async (err: unknown) => {
    await cameras.close();
    throw new UserError(`cannot open the fault control port: ${(err as Error).message} (choose another with --control-port)`);
  });

  print(`${cameras.urls.length} test camera(s) looping ${opts.file} at ${opts.fps} fps, ${opts.width} px wide (RTSP over TCP):`);
  for (const url of cameras.urls) print(`  ${url}`);
  print(`faults: curl -X POST ${control.url}/<camera>/<fault>   (${TEST_CAMERA_FAULTS.join(', ')}); state: curl ${control.url}/`);
  print('Ctrl-C to stop');

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stderr.write('stopping...\n');
  await control.close();
  await cameras.close();
}
