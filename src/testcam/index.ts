/**
 * Local RTSP test cameras: N cameras looping one video file in real time over
 * real RTSP on loopback, with faults injected at run time. For tests, the soak
 * benchmark and installers (`vigie test-camera`); see docs/RELIABILITY.md.
 *
 *   const cams = await startTestCameras({ file, cameras: 2, fps: 10, width: 320 });
 *   cams.urls[0]                  // rtsp://127.0.0.1:PORT/cam1
 *   cams.fault('cam1', 'freeze'); // ... cams.fault('cam1', 'resume')
 *   await cams.close();           // every ffmpeg reaped
 */
import { access } from 'node:fs/promises';
import { CameraFeed } from './camera-feed.js';
import { RtspServer } from './rtsp-server.js';

export const TEST_CAMERA_FAULTS = ['drop', 'down', 'up', 'silent', 'freeze', 'corrupt', 'resume'] as const;
/**
 * - `drop`: every client connection of the camera is closed now (a camera reboot);
 * - `down`: connections closed and new ones answered 503 until `up`;
 * - `silent`: connections stay open, no packet is sent until `resume`;
 * - `freeze`: valid video of one unchanging picture until `resume`;
 * - `corrupt`: a share of video packets damaged (RTP headers intact) until `resume`;
 * - `resume`: back to the live clip (ends `silent`, `freeze` and `corrupt`).
 */
export type TestCameraFault = (typeof TEST_CAMERA_FAULTS)[number];

export interface TestCamerasOptions {
  /** Video file looped by every camera (any format ffmpeg reads). */
  readonly file: string;
  /** Number of cameras, named cam1..camN. Default 1. */
  readonly cameras?: number;
  /** RTSP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Frame rate of the streams. Default 10. */
  readonly fps?: number;
  /** Width of the streams (height keeps the aspect). Default 320. */
  readonly width?: number;
  /** Basic credentials required by the server (and put in `urls`). */
  readonly username?: string;
  readonly password?: string;
  /** Limit for each camera's first key frame at start-up. Default 20000. */
  readonly readyTimeoutMs?: number;
  readonly ffmpegPath?: string;
  /** Encoder stderr lines and restarts. */
  readonly onLog?: (line: string) => void;
}

export interface TestCameraStatus {
  readonly name: string;
  readonly url: string;
  readonly down: boolean;
  readonly mode: 'live' | 'silent' | 'freeze';
  readonly corrupt: boolean;
  /** RTSP connections currently playing this camera. */
  readonly clients: number;
  readonly encoderPid: number | null;
}

export interface TestCameras {
  readonly port: number;
  /** Camera names, cam1..camN. */
  readonly names: readonly string[];
  /** One URL per camera, with the credentials when set. */
  readonly urls: readonly string[];
  /** Injects a fault; `camera` is a name (`cam1`) or a 0-based index. Throws on an unknown camera. */
  fault(camera: string | number, kind: TestCameraFault): void;
  status(): TestCameraStatus[];
  /** Closes the server and every connection, and reaps every ffmpeg. Idempotent. */
  close(): Promise<void>;
}

export async function startTestCameras(options: TestCamerasOptions): Promise<TestCameras> {
  const count = options.cameras ?? 1;
  const fps = options.fps ?? 10;
  const width = options.width ?? 320;
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(count) || count < 1) throw new Error(`test cameras: cameras must be an integer >= 1, got ${count}`);
  if (!(fps > 0)) throw new Error(`test cameras: fps must be > 0, got ${fps}`);
  if (!Number.isInteger(width) || width < 16 || width % 2 !== 0) throw new Error(`test cameras: width must be an even integer >= 16, got ${width}`);
  if ((options.username === undefined) !== (options.password === undefined)) {
    throw new Error('test cameras: give both username and password, or neither');
  }
  await access(options.file).catch(() => {
    throw new Error(`test cameras: video file not found or not readable: ${options.file} (pass --file with a video ffmpeg can read)`);
  });

  const names = Array.from({ length: count }, (_, i) => `cam${i + 1}`);
  const feeds = new Map<string, CameraFeed>();
  for (const name of names) {
    feeds.set(name, new CameraFeed({ name, file: options.file, fps, width, ffmpegPath: options.ffmpegPath, onLog: options.onLog }));
  }
  const down = new Set<string>();
  const credentials = options.username !== undefined ? { username: options.username, password: options.password ?? '' } : undefined;
  const server = new RtspServer({ host, port: options.port ?? 0, feeds, credentials, isDown: (name) => down.has(name) });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await server.close();
      await Promise.all([...feeds.values()].map((feed) => feed.close()));
    })();
    return closing;
  };

  let port: number;
  try {
    port = await server.listen();
    await Promise.all([...feeds.values()].map((feed) => feed.start(options.readyTimeoutMs ?? 20_000)));
  } catch (err) {
    await close();
    throw err;
  }

  const userInfo = credentials ? `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@` : '';
  const urlOf = (name: string): string => `rtsp://${userInfo}${host}:${port}/${name}`;

  const feedOf = (camera: string | number): CameraFeed => {
    const name = typeof camera === 'number' ? names[camera] : camera;
    const feed = name === undefined ? undefined : feeds.get(name);
    if (!feed) throw new Error(`test cameras: no camera ${String(camera)} (cameras: ${names.join(', ')})`);
    return feed;
  };

  return {
    port,
    names,
    urls: names.map(urlOf),
    fault(camera, kind) {
      const feed = feedOf(camera);
      switch (kind) {
        case 'drop':
          server.dropClients(feed.name);
          return;
        case 'down':
          down.add(feed.name);
          server.dropClients(feed.name);
          return;
        case 'up':
          down.delete(feed.name);
          return;
        case 'silent':
        case 'freeze':
          feed.setMode(kind);
          return;
        case 'corrupt':
          feed.setCorrupt(true);
          return;
        case 'resume':
          feed.setMode('live');
          feed.setCorrupt(false);
          return;
        default: {
          const never: never = kind;
          throw new Error(`test cameras: unknown fault ${String(never)} (faults: ${TEST_CAMERA_FAULTS.join(', ')})`);
        }
      }
    },
    status() {
      return names.map((name) => {
        const feed = feeds.get(name)!.status();
        return { name, url: urlOf(name), down: down.has(name), mode: feed.mode, corrupt: feed.corrupt, clients: server.playingClients(name), encoderPid: feed.encoderPid };
      });
    },
    close,
  };
}

export function isTestCameraFault(value: string): value is TestCameraFault {
  return (TEST_CAMERA_FAULTS as readonly string[]).includes(value);
}
