import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { parseConfig } from '../../src/config/load.js';
import { SecretKeyError, createSecretBox, isSealed, sealSource } from '../../src/security/secret-box.js';
import { SECRETS_KEY_ENV, openSecretBox } from '../../src/security/secret-key.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { createRepositories, openDatabase } from '../../src/store/index.js';

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';
/** Distinctive, so a hit anywhere is this password and nothing else. */
const CAMERA_PASSWORD = 'Xq7-Zorglub-Secret';
// Port 9 on loopback: nothing listens, so ffmpeg fails at once and the supervisor logs (and retries).
const SOURCE = `rtsp://vigie:${CAMERA_PASSWORD}@127.0.0.1:9/stream1`;

const config = (source: string) =>
  parseConfig({ cameras: [{ id: 'porte', source, detect: { backend: 'motion', fps: 5, width: 320 }, recording: { enabled: true } }] }, 'test config');

/** Every byte of the SQLite files (main database, WAL, shared memory). */
function databaseBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).filter((f) => f.startsWith('vigie.db')).map((f) => readFileSync(join(dir, f))));
}

describe('secret box', () => {
  const key = Buffer.alloc(32, 7);
  it('round-trips a value and never shows it in the sealed text', () => {
    const box = createSecretBox(key, '/k');
    const sealed = box.seal(SOURCE);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain(CAMERA_PASSWORD);
    expect(box.seal(SOURCE)).not.toBe(sealed); // fresh IV each time
    expect(box.open(sealed)).toBe(SOURCE);
  });
  it('seals only sources that carry credentials', () => {
    const box = createSecretBox(key, '/k');
    expect(sealSource(box, 'clip.mp4')).toBe('clip.mp4');
    expect(sealSource(box, 'rtsp://cam/stream')).toBe('rtsp://cam/stream');
    expect(isSealed(sealSource(box, 'http://cam/mjpeg?user=a&password=b'))).toBe(true);
  });
  it('refuses another key, naming the key file and what to do', () => {
    const sealed = createSecretBox(key, '/a').seal(SOURCE);
    const other = createSecretBox(Buffer.alloc(32, 8), '/srv/keys/secrets.key');
    expect(() => other.open(sealed)).toThrow(SecretKeyError);
    expect(() => other.open(sealed)).toThrow(/\/srv\/keys\/secrets\.key.*restore the original key file/);
  });
  it('refuses an altered value', () => {
    const box = createSecretBox(key, '/k');
    const sealed = box.seal(SOURCE);
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(() => box.open(altered)).toThrow(/altered/);
  });
});

describe('secrets key file', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-key-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created on first use, mode 0600 in a 0700 folder, and read back the same', () => {
    const first = openSecretBox({ dataDir: dir, env: {}, sealedDataExists: false });
    expect(first.created).toBe(true);
    expect(first.box.keyFile).toBe(join(dir, 'keys', 'secrets.key'));
    expect(statSync(first.box.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const again = openSecretBox({ dataDir: dir, env: {}, sealedDataExists: true });
    expect(again.created).toBe(false);
    expect(again.box.keyId).toBe(first.box.keyId);
  });
  it(`lives where ${SECRETS_KEY_ENV} says`, () => {
    const file = join(dir, 'elsewhere', 'vigie.key');
    expect(openSecretBox({ dataDir: dir, env: { [SECRETS_KEY_ENV]: file }, sealedDataExists: false }).box.keyFile).toBe(file);
  });
  it('is never silently replaced when sealed data exists, and a damaged one is refused', () => {
    const missing = join(dir, 'nowhere.key');
    expect(() => openSecretBox({ dataDir: dir, env: { [SECRETS_KEY_ENV]: missing }, sealedDataExists: true })).toThrow(new RegExp(`${missing}.*does not exist.*restore it`));
    const damaged = join(dir, 'damaged.key');
    writeFileSync(damaged, 'not a key\n');
    expect(() => openSecretBox({ dataDir: dir, env: { [SECRETS_KEY_ENV]: damaged }, sealedDataExists: false })).toThrow(/not the base64 of 32 bytes/);
  });
});

describe('camera credentials at rest', () => {
  let dir = '';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are never written in clear, are read back in clear, and an older database is sealed at start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-secrets-'));
    // An older Vigie stored the source in clear (repositories without the key).
    const old = await openDatabase({ dataDir: dir });
    await createRepositories(old.db).config.save(config(SOURCE), { userId: null });
    await old.close();
    expect(databaseBytes(dir).includes(CAMERA_PASSWORD)).toBe(true); // the test can see a leak

    const printed: string[] = [];
    const vigie = await startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: (l) => printed.push(l) });
    try {
      expect(printed.join('\n')).toMatch(/camera credentials of 1 stored configuration version\(s\) are now encrypted/);
      expect((await vigie.repos.config.current())?.config.cameras[0]?.source).toBe(SOURCE);
      expect((await vigie.repos.config.cameras())[0]?.source).toBe(SOURCE);
      await vigie.repos.config.save(config(SOURCE), { userId: null, comment: 'saved again' });
    } finally {
      await vigie.close();
    }
    // Closed: the WAL is checkpointed into the database file, so these are all the bytes on disk.
    expect(databaseBytes(dir).includes(CAMERA_PASSWORD)).toBe(false);
  });

  it('a wrong key stops the start with a message naming the key file, without touching the data', async () => {
    writeFileSync(join(dir, 'keys', 'secrets.key'), `${Buffer.alloc(32, 1).toString('base64')}\n`);
    const start = startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
    await expect(start).rejects.toMatchObject({ name: 'StartError', message: expect.stringMatching(/secrets\.key.*restore the original key file/) as unknown });
  });
});

describe('secrets never in logs or API answers', () => {
  let dir = '';
  let vigie: RunningVigie;
  const log = new PassThrough();
  const lines: string[] = [];
  log.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  const cookies = new Map<Role, { cookie: string; csrf: string }>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-leak-'));
    vigie = await startVigie({ dataDir: dir, config: config(SOURCE), port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, httpLog: log, print: (l) => lines.push(l) });
    const hash = await createPasswordHasher(ARGON2).hash(PASSWORD);
    for (const role of ROLES) {
      await vigie.repos.users.create({ username: `u-${role}`, displayName: role, role, passwordHash: hash });
      const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `u-${role}`, password: PASSWORD } });
      expect(res.statusCode).toBe(200);
      cookies.set(role, { cookie: `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`, csrf: res.json<{ csrfToken: string }>().csrfToken });
    }
  });
  afterAll(async () => {
    await vigie.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no JSON GET route of the OpenAPI document shows the password to any role, nor does any log line', async () => {
    type Operation = { responses: { 200: { content?: Record<string, unknown> } } };
    const docs = (await vigie.app.inject({ method: 'GET', url: '/api/docs' })).json<{ paths: Record<string, Record<string, Operation>> }>();
    // JSON answers only (documented JSON or no body schema): media routes stream frames and video, not text.
    const isJson = (op: Operation | undefined): boolean => op !== undefined && Object.keys(op.responses[200].content ?? { 'application/json': 1 }).includes('application/json');
    const gets = Object.entries(docs.paths)
      .filter(([, methods]) => isJson(methods.get))
      .map(([path]) => path.replace(/\{id\}/g, 'porte').replace(/\{(\w+)\}/g, 'x'));
    expect(gets.length).toBeGreaterThan(10);
    let answered = 0;
    for (const url of gets) {
      for (const role of [null, ...ROLES]) {
        const s = role ? cookies.get(role) : undefined;
        const res = await vigie.app.inject({ method: 'GET', url, headers: s ? { cookie: s.cookie } : {} });
        expect(res.body, `${role ?? 'anonymous'} GET ${url}`).not.toContain(CAMERA_PASSWORD);
        if (res.statusCode === 200) answered += 1;
      }
    }
    expect(answered).toBeGreaterThan(10);
    // The camera configuration itself, where the source is shown (redacted) to those who edit it.
    const cameras = await vigie.app.inject({ method: 'GET', url: '/api/cameras', headers: { cookie: cookies.get('supervisor')?.cookie ?? '' } });
    expect(cameras.body).toContain('rtsp://***@127.0.0.1:9/stream1');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(CAMERA_PASSWORD);
  }, 120_000);
});
