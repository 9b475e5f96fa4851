/**
 * `npm run soak`: does Vigie's memory stay flat over hours? Starts the real
 * server (`vigie start`, a separate process as in production) with N cameras
 * looping real footage in real time (detector, rules, recording on), keeps a
 * console connected to /api/live, and samples once a minute the server's RSS,
 * its ffmpeg children and the cameras' health. Ends with a summary (RSS growth
 * after the warm-up by least squares) and, with --write, puts it in
 * docs/BENCHMARKS.md. Also checks that no ffmpeg survives the server's stop.
 *
 *   npm run soak                       # 60 min, 4 cameras, 2 fps (the documented run)
 *   npm run soak -- --minutes 5        # a short check
 *   npm run soak -- --write            # replace the soak section of docs/BENCHMARKS.md
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { datasetsDir } from '../src/cli/datasets.js';
import { createProgress } from '../src/cli/progress.js';
import { parseVmRssKiB, readChildren } from '../src/loadtest/proc.js';
import { login, openLiveClient } from '../src/loadtest/live-client.js';
import { loadBetterSqlite } from '../src/store/sqlite/driver.js';
import { replaceSoakSection, soakMarkdown, summariseSoak, type SoakSample } from '../src/loadtest/soak.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    cameras: { type: 'string', default: '4' },
    fps: { type: 'string', default: '2' },
    'warmup-minutes': { type: 'string', default: '10' },
    'sample-s': { type: 'string', default: '60' },
    source: { type: 'string' },
    port: { type: 'string', default: '18931' },
    write: { type: 'boolean', default: false },
  },
});

const minutes = Number(args.minutes);
const cameras = Number(args.cameras);
const fps = Number(args.fps);
const sampleS = Number(args['sample-s']);
const warmupMinutes = Math.min(Number(args['warmup-minutes']), Math.max(0, minutes - 3));
const port = Number(args.port);
const source = args.source ?? join(datasetsDir(), 'pets09-s2l1', 'vtest.avi');
for (const [name, v] of Object.entries({ minutes, cameras, fps, sampleS, port })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
}
if (!existsSync(source)) {
  console.error(`soak: the footage ${source} is missing: set VIGIE_DATASETS to the datasets folder or pass --source <video>`);
  process.exit(2);
}

const BIN = fileURLToPath(new URL('../bin/vigie.js', import.meta.url));
const PASSWORD = 'long-night-shift-2026-vigil';
const baseUrl = `http://127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'vigie-soak-'));
const configPath = join(dir, 'soak.yaml');
// Cameras send H.264 (recorded by stream copy): footage in another codec is transcoded once, before the run.
const footage = join(dir, 'footage.mp4');
execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', source, '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-g', '14', '-pix_fmt', 'yuv420p', footage]);

// The demo's rules on every camera: intrusion, line crossing and gathering fire several times per loop.
const cameraYaml = (i: number): string => `
  - id: soak-${i}
    source: ${JSON.stringify(footage)}
    loop: true
    detect: { fps: ${fps}, width: 640, backend: model }
    recording: { enabled: true, segment_s: 60 }
    zones:
      - { id: pelouse, polygon: [[0.0, 0.46], [0.4, 0.56], [0.6, 0.69], [0.8, 0.81], [1.0, 0.9], [1.0, 1.0], [0.0, 1.0]] }
      - { id: carrefour, polygon: [[0.25, 0.3], [0.85, 0.3], [0.85, 0.75], [0.25, 0.75]] }
    lines:
      - { id: traversee, points: [[0.55, 0.25], [0.55, 0.6]] }
    rules:
      - { id: intrusion, type: intrusion, zone: pelouse, classes: [person], min_duration_s: 2 }
      - { id: traversee, type: line_crossing, line: traversee, direction: any, classes: [person] }
      - { id: attroupement, type: gathering, zone: carrefour, min_people: 4, min_duration_s: 5 }`;
writeFileSync(configPath, `cameras:${Array.from({ length: cameras }, (_, i) => cameraYaml(i + 1)).join('')}\n`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function startServer(): { child: ChildProcess; running: Promise<void>; log: () => string } {
  const child = spawn(process.execPath, [BIN, 'start', '--config', configPath, '--data', join(dir, 'data'), '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIE_ADMIN_PASSWORD: PASSWORD },
  });
  let text = '';
  const running = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      // Keep the tail only: a day-long run must not grow this process either.
      text = (text + d.toString()).slice(-20_000);
      if (text.includes('Vigie is running')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`vigie start exited (${code}):\n${text}`)));
  });
  return { child, running, log: () => text };
}

interface HealthCamera {
  readonly state: string;
  readonly analysisFps: number;
  readonly framesDropped: number;
  readonly restarts: number;
}

async function sample(pid: number, minute: number): Promise<SoakSample> {
  const rssKiB = parseVmRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8')) ?? 0;
  const ffmpeg = (readChildren(pid) ?? []).filter((c) => /^ff(mpeg|probe)$/.test(c.comm));
  const health = (await (await fetch(`${baseUrl}/api/health`)).json()) as { cameras: HealthCamera[] };
  const cams = health.cameras;
  return {
    minute,
    rssMiB: rssKiB / 1024,
    ffmpegRssMiB: ffmpeg.reduce((s, c) => s + c.rssKiB, 0) / 1024,
    ffmpegProcesses: ffmpeg.length,
    meanFps: cams.length ? cams.reduce((s, c) => s + c.analysisFps, 0) / cams.length : 0,
    camerasRunning: cams.filter((c) => c.state === 'running').length,
    framesDropped: cams.reduce((s, c) => s + c.framesDropped, 0),
    restarts: cams.reduce((s, c) => s + c.restarts, 0),
    load1: loadavg()[0] ?? 0,
  };
}

const server = startServer();
let exitCode = 0;
try {
  await server.running;
  const pid = server.child.pid;
  if (pid === undefined) throw new Error('vigie start has no pid');
  // The administrator's console receives the cameras' health live (events are for operators: counted in the database).
  let liveMessages = 0;
  const live = await openLiveClient(baseUrl, await login(baseUrl, 'admin', PASSWORD), () => {
    liveMessages += 1;
  });
  const eventsStored = (): number => {
    const Database = loadBetterSqlite();
    const db = new Database(join(dir, 'data', 'vigie.db'), { fileMustExist: true, timeout: 5000 });
    try {
      const [row] = db.prepare('SELECT count(*) AS n FROM events').all([]) as { n: number }[];
      return row?.n ?? 0;
    } finally {
      db.close();
    }
  };
  let events = 0;
  console.error(`soak: ${cameras} cameras at ${fps} fps on ${source}, ${minutes} min, data in ${dir}`);
  const progress = createProgress('soak', Math.round(minutes * 60 / sampleS));
  const samples: SoakSample[] = [];
  const startedMs = Date.now();
  for (let i = 1; i <= Math.round((minutes * 60) / sampleS); i++) {
    await sleep(startedMs + i * sampleS * 1000 - Date.now());
    if (server.child.exitCode !== null) throw new Error(`the server stopped during the soak:\n${server.log()}`);
    const s = await sample(pid, Math.round(((Date.now() - startedMs) / 60_000) * 10) / 10);
    events = eventsStored();
    samples.push(s);
    progress.update(i, { fps: s.meanFps.toFixed(1), events });
    if (!process.stderr.isTTY) console.error(`soak: minute ${s.minute} rss ${s.rssMiB.toFixed(1)} MiB, ffmpeg ${s.ffmpegProcesses}, ${s.meanFps.toFixed(2)} fps/camera, ${events} events stored, ${liveMessages} live messages`);
  }
  progress.stop();
  await live.close();

  server.child.kill('SIGTERM');
  await new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  await sleep(500);
  const leftovers = (readChildren(pid) ?? []).length;

  const summary = summariseSoak(samples, warmupMinutes);
  const settings = {
    cameras,
    'detect.fps': fps,
    minutes,
    footage: source.split('/').slice(-2).join('/'),
    'events stored': events,
    'live messages to the console': liveMessages,
    'ffmpeg left after stop': leftovers,
    date: new Date().toISOString().slice(0, 10),
  };
  const markdown = soakMarkdown(settings, summary, samples);
  console.log(markdown);
  if (args.write) {
    const docPath = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
    writeFileSync(docPath, replaceSoakSection(readFileSync(docPath, 'utf8'), markdown));
    console.error(`soak: written to ${docPath}`);
  }
  if (leftovers > 0) {
    console.error(`soak: ${leftovers} child process(es) survived the server's stop`);
    exitCode = 1;
  }
} catch (err) {
  console.error(`soak failed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
