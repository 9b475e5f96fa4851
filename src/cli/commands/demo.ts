import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { DemoCliOptions } from '../main.js';
import { generatePassword } from '../../auth/first-admin.js';
import { createPasswordHasher } from '../../auth/passwords.js';
import { loadConfigFile } from '../../config/load.js';
import type { VigieConfig } from '../../config/schema.js';
import type { EventChange } from '../../events/lifecycle.js';
import type { Repositories } from '../../store/index.js';
import { startVigie } from '../../server/runtime.js';
import { UserError } from '../errors.js';
import { datasetsDir } from '../datasets.js';
import { commandOnPath, ensureSystemPackages, realSystem, type Requirement } from '../system-packages.js';
import { stopOnSignal } from './start.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../../examples/demo.yaml', import.meta.url));
/** Debian's opencv-doc package installs the same PETS 2009 clip here. */
const OPENCV_DOC_VTEST = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
const DEMO_USER = 'demo';

const footageCandidates = (): string[] => [join(datasetsDir(), 'pets09-s2l1', 'vtest.avi'), OPENCV_DOC_VTEST];

/** What the demo needs from the system: ffmpeg, and the footage (shared datasets, else Debian's opencv-doc). */
export function demoRequirements(onPath: (command: string) => boolean): Requirement[] {
  return [
    { pkg: 'ffmpeg', present: () => onPath('ffmpeg') && onPath('ffprobe') },
    { pkg: 'opencv-doc', present: () => footageCandidates().some((path) => existsSync(path)) },
  ];
}

/** The demo footage: the shared datasets, else Debian's opencv-doc copy. */
export function findDemoFootage(): string {
  const found = footageCandidates().find((path) => existsSync(path));
  if (!found) throw new UserError(`demo footage (PETS 2009 vtest.avi) not found in ${footageCandidates().join(' or ')}: run "apt-get install -y opencv-doc", or set VIGIE_DATASETS to the shared datasets folder`);
  return found;
}

/**
 * The demo footage as H.264, made once in the data folder: the PETS clip is
 * MS-MPEG4, which MPEG-TS recording segments cannot carry, and the demo records
 * its camera so that the console can play footage back.
 */
export async function demoFootageH264(footage: string, dataDir: string, print: (line: string) => void): Promise<string> {
  const dir = join(dataDir, 'demo');
  const target = join(dir, 'pets09-s2l1-h264.mp4');
  if (existsSync(target)) return target;
  await mkdir(dir, { recursive: true });
  print('preparing the demo footage for recording (one H.264 copy of the clip, a few seconds, done once)...');
  const partial = `${target}.part.mp4`;
  try {
    // A keyframe every 2 s lets recording cut 60 s segments close to 60 s.
    await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', footage, '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-force_key_frames', 'expr:gte(t,n_forced*2)', partial]);
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw new UserError(`could not prepare the demo footage with ffmpeg (libx264): ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  return target;
}

/** An instantaneous event (a line crossing) is opened and closed at once. */
const isInstant = (change: EventChange): boolean => change.event.end !== null && change.event.end === change.event.start;

function describe(change: EventChange): string {
  const e = change.event;
  const label = isInstant(change) ? 'event' : change.kind;
  const where = Object.entries(e.details)
    .filter(([k]) => k === 'zone' || k === 'line' || k === 'direction')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  return `${new Date().toISOString().slice(11, 19)}  ${label.padEnd(7)} ${e.type.padEnd(13)} ${e.severity.padEnd(6)} track ${e.track_ids.join(',')} ${e.classes.join(',')}  ${where}`;
}

/** The demo login: a supervisor whose password is new at every start and printed (nothing to remember). */
async function resetDemoUser(repos: Repositories): Promise<string> {
  const password = generatePassword();
  const passwordHash = await createPasswordHasher().hash(password);
  const existing = await repos.users.findByUsername(DEMO_USER);
  if (existing) await repos.users.update(existing.id, { passwordHash, disabled: false, role: 'supervisor' });
  else await repos.users.create({ username: DEMO_USER, displayName: 'Démo', role: 'supervisor', passwordHash });
  return password;
}

/**
 * `vigie demo`: everything `vigie start` runs, with a demo camera on real street
 * footage looping in real time; prints the console URL and a demo login.
 */
export async function runDemo(opts: DemoCliOptions): Promise<void> {
  const print = (line: string): void => void process.stderr.write(`${line}\n`);
  ensureSystemPackages(demoRequirements(commandOnPath), realSystem(print));
  const footage = await demoFootageH264(findDemoFootage(), opts.data, print);
  const demo = loadConfigFile(DEMO_CONFIG);
  const config: VigieConfig = {
    ...demo,
    cameras: demo.cameras.map((c) => ({ ...c, source: footage, loop: true, recording: { ...c.recording, enabled: true } })),
  };
  const running = await startVigie({
    dataDir: opts.data,
    config,
    configOrigin: 'examples/demo.yaml',
    // The demo clip's folder: a camera added in the console may use the demo footage too.
    allowFileSources: [dirname(footage)],
    port: opts.port,
    host: opts.host,
    print,
    onEvent: (change) => {
      if (!(isInstant(change) && change.kind === 'opened')) process.stdout.write(`${describe(change)}\n`);
    },
  });
  const password = await resetDemoUser(running.repos);
  print(
    [
      '',
      `Vigie demo: camera "${config.cameras[0]?.name ?? 'demo'}" on ${footage}, looping in real time.`,
      `  Console:  ${running.url}/`,
      `  Login:    ${DEMO_USER} / ${password}   (a new password at every start)`,
      '  Alerts appear within a minute (people crossing the road, walking on the lawn); they are also printed below.',
      '  The camera is recorded (60 s segments, kept 10 days): play it back under Enregistrements.',
      '  Ctrl-C stops.',
      '',
    ].join('\n'),
  );
  const stopped = stopOnSignal(running, print);
  if (opts.duration) setTimeout(() => process.kill(process.pid, 'SIGTERM'), opts.duration * 1000).unref();
  await stopped;
}
