import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WebSocket } from 'ws';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { loadConfigFile } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { vigieEventSchema } from '../../src/contracts/event-schema.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { datasetFile } from '../helpers/datasets.js';

/*
 * Issue 7, part 4 ("no biometrics, provably"): nothing Vigie sends out carries a
 * field that is not on an explicit list. A real Vigie runs the car park clip
 * (motion backend, line-crossing and wrong-way rules); each role logs in, calls
 * every GET route of the OpenAPI document that answers JSON and listens on the
 * live WebSocket. Every object key of every answer and message must be listed
 * below, and no key may name a biometric or appearance attribute.
 *
 * A new field is not a failure of privacy by itself: add it to the list that
 * fits, in the same change that adds it, so that a reviewer sees it
 * (docs/PRIVACY.md, "How it is enforced").
 */

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery 42';
const clip = datasetFile('intel-sample-videos/car-detection.mp4');

/** The event contract (src/contracts/event.ts) and its `clip`. */
const EVENT_FIELDS = [
  'id', 'camera', 'rule', 'type', 'severity', 'start', 'end', 'start_time', 'track_ids', 'classes', 'box', 'score',
  'snapshot', 'clip', 'details', 'from', 'to',
];
/** How the store wraps an event and how operators handled it (src/store/event-codec.ts); live message envelopes. */
const HANDLING_FIELDS = [
  'event', 'status', 'recordedAt', 'updatedAt', 'acknowledgedAt', 'acknowledgedBy', 'qualification', 'qualifiedAt',
  'qualifiedBy', 'dispatchedAt', 'dispatchedBy', 'actions', 'action', 'change', 'item', 'items', 'total', 'next',
  'nextCursor', 'cursor', 'at', 'by', 'kind', 'note', 'comment',
];
/**
 * Keys of an event's `details` (scalars only: see the event schema): zone, line
 * and scene facts, durations, counts, speeds, from src/rules and
 * src/events/lifecycle.ts. A rule that adds a fact adds its key here.
 */
const EVENT_DETAIL_FIELDS = [
  'zone', 'line', 'direction', 'lamp', 'shadow', 'occurrences', 'static_s', 'area', 'person_left', 'score', 'dwell_s',
  'stopped_s', 'still_s', 'parked_s', 'aspect', 'speed_kmh', 'limit_kmh', 'method', 'vehicles', 'people', 'present',
  'fill', 'distance', 'angle_deg', 'reason', 'count', 'density',
  // camera_offline system events (src/pipeline/offline-event.ts): the camera's state, no person.
  'last_error', 'last_frame_at', 'closed_by', 'offline_s',
];
/** Camera views and health (src/pipeline/health.ts, GET /api/cameras, GET /api/health). */
const HEALTH_FIELDS = [
  'health', 'state', 'reason', 'since', 'lastFrameAt', 'analysisFps', 'targetFps', 'framesDropped', 'restarts',
  'lastError', 'offlineReason', 'cameras', 'status', 'version', 'loop',
  // GET /api/health checks (docs/MONITORING.md): server facts, no person in them.
  'checks', 'database', 'disk', 'minFreeBytes', 'ready', 'recorders', 'lastSegmentAt', 'error',
  'clockJumps', 'lastClockJump', 'direction', 'seconds',
];
/** Configuration versions (GET /api/config, /api/config/history); the keys of the config itself come from its schema below. */
const CONFIG_VERSION_FIELDS = ['config', 'versions', 'origin', 'createdAt', 'createdBy'];
/** Anonymous counts (GET /api/cameras/:id/counts). */
const COUNT_FIELDS = ['bucket_s', 'buckets', 'counts', 'count'];
/** Recordings, storage and retention (docs/RECORDING.md, docs/RETENTION.md): files, times and sizes. */
const RECORDING_FIELDS = [
  'segments', 'gaps', 'storage', 'alert', 'file', 'path', 'url', 'bytes', 'size', 'duration_s', 'preview', 'lastRun',
  'now', 'dryRun', 'segmentsDeleted', 'pressureSegmentsDeleted', 'snapshotsDeleted', 'bytesFreed', 'heldSegmentsKept',
  'heldSnapshotsKept', 'missingFiles', 'errors', 'freeBytes', 'heldSegments', 'pressureSegments', 'listsTruncatedAt',
  'dry_run', 'trigger', 'segments_deleted', 'pressure_segments_deleted', 'snapshots_deleted', 'bytes_freed',
  'held_segments_kept', 'held_snapshots_kept', 'missing_files',
];
/** Audit entries (hash chain) and the evidence signing key (docs/EVIDENCE.md). */
const AUDIT_FIELDS = [
  'seq', 'actor', 'actorName', 'ip', 'target', 'prevHash', 'hash', 'signature', 'algorithm', 'publicKeyPem', 'fingerprint',
  'key_fingerprint',
  // Blurred playback and exports (docs/RECORDING.md, docs/EVIDENCE.md): which video was seen or left, and the kept subject's point.
  'blurred', 'video', 'kept_subject_at', 'kept_subject_x', 'kept_subject_y',
];
/** The public information page (GET /api/public, issue 7 part 5): generated from the configuration. */
const PUBLIC_PAGE_FIELDS = [
  'language', 'configuration', 'updatedAtText', 'controller', 'address', 'dpoContact', 'rightsContact', 'purposesDeclared',
  'incomplete', 'uses', 'label', 'evaluation', 'recorded', 'retentionDays', 'retention', 'privacyMasks', 'guarantees',
  'rights', 'cnil', 'legalBasis', 'legalBasisText',
];
/** Staff accounts (GET /api/auth/me, GET /api/users): the operators of the system, not the people filmed. */
const ACCOUNT_FIELDS = ['user', 'users', 'username', 'displayName', 'role', 'permissions', 'csrfToken', 'expiresAt', 'disabled'];
/** Refusals: `{ code, message }` (docs/API.md). */
const ERROR_FIELDS = ['code', 'message'];
/**
 * GDPR access requests (docs/ACCESS-REQUESTS.md, DPO only): the requester's reference, contact and
 * description are what they gave to be answered and found; boxes are numbered positions, nothing else.
 */
const ACCESS_REQUEST_FIELDS = [
  'receivedAt', 'requesterRef', 'contact', 'description', 'dueAt', 'answeredAt', 'answerNote', 'exportId', 'updatedAt',
  'overdue', 'export', 'sha256', 'download', 'segment', 'width', 'height', 'boxes', 'number',
];

/** Trial statistics (GET /api/reports/trial, /api/reports/compare, docs/REPORTS.md) and the manual incident log (GET /api/incidents): counts, ratios, times, staff accounts. */
const REPORT_FIELDS = [
  'query', 'timeZone', 'generatedAt', 'days', 'events', 'byType', 'byCamera', 'byDay', 'byWeekdayHour', 'day', 'weekday',
  'hour', 'overall', 'trueAlerts', 'falseAlarms', 'duplicates', 'unqualified', 'precision', 'perRule', 'perCamera', 'trend',
  'week', 'responseTimes', 'toAcknowledge', 'toDispatch', 'medianS', 'p90S', 'histogram', 'fromS', 'toS', 'workload',
  'userId', 'eventsHandled', 'activeHours', 'perActiveHour', 'wouldBeAlerts', 'perDay', 'availability', 'analysedShare',
  'recordingCoverage', 'incidents', 'onAiCameras', 'detectedByAi', 'recall', 'onOtherCameras', 'before', 'after',
  'occurredAt', 'place', 'eventId', 'createdAt', 'createdBy',
];

/** The monthly trial reports (GET /api/reports/monthly): a month and its files (`items`, `bytes`, `download` are listed above). */
const MONTHLY_REPORT_FIELDS = ['month', 'generated_at', 'files', 'format'];

/** MQTT and webhooks (GET /api/integrations, /api/integrations/deliveries, docs/INTEGRATIONS.md): links, counters, deliveries; never a payload. */
const INTEGRATION_FIELDS = [
  'mqtt', 'webhooks', 'active', 'problem', 'connected', 'queued', 'dropped', 'lastError', 'pending', 'delivered', 'dead',
  'discarded', 'webhookId', 'eventType', 'attempts', 'maxAttempts', 'nextAttemptAt', 'lastStatus', 'deliveredAt',
];

/** Every property name the configuration schema knows (it is strict: a config cannot carry any other key). */
function configKeys(): string[] {
  const keys = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        if (k === 'properties' && v !== null && typeof v === 'object') Object.keys(v).forEach((p) => keys.add(p));
        visit(v);
      }
    }
  };
  visit(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }));
  return [...keys];
}

const ALLOWED_KEYS: ReadonlySet<string> = new Set([
  ...EVENT_FIELDS, ...HANDLING_FIELDS, ...HEALTH_FIELDS, ...CONFIG_VERSION_FIELDS, ...configKeys(), ...COUNT_FIELDS,
  ...RECORDING_FIELDS, ...AUDIT_FIELDS, ...PUBLIC_PAGE_FIELDS, ...ACCOUNT_FIELDS, ...ERROR_FIELDS, ...ACCESS_REQUEST_FIELDS,
  ...REPORT_FIELDS, ...MONTHLY_REPORT_FIELDS, ...INTEGRATION_FIELDS,
]);
const ALLOWED_DETAIL_KEYS: ReadonlySet<string> = new Set(EVENT_DETAIL_FIELDS);

/**
 * Words that name a face, a biometric template, an appearance attribute or an
 * identity, checked on every word of every key (`faceBox`, `reid_vector` and
 * `upper-colour` all fail), config keys included.
 */
const FORBIDDEN_WORDS = new Set([
  'face', 'faces', 'facial', 'landmark', 'landmarks', 'keypoint', 'keypoints', 'pose', 'embedding', 'embeddings',
  'descriptor', 'descriptors', 'reid', 'reidentification', 'feature', 'features', 'biometric', 'biometrics',
  'template', 'age', 'gender', 'sex', 'emotion', 'emotions', 'expression', 'ethnicity', 'race', 'skin', 'hair',
  'beard', 'clothing', 'clothes', 'garment', 'colour', 'color', 'colours', 'colors', 'appearance', 'attribute',
  'attributes', 'gait', 'iris', 'person', 'identity', 'plate', 'plates', 'licence', 'license', 'anpr', 'lpr',
]);
/** Exact keys that contain a word above without naming what it forbids. */
const EXEMPT_KEYS: ReadonlyMap<string, string> = new Map([
  ['person_left', 'illegal dumping detail: whether a person walked away from the object (a boolean)'],
]);

/** The words of a key: `lastFrameAt` -> last, frame, at; `static_s` -> static, s. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function forbiddenWord(key: string): string | undefined {
  return keyWords(key).find((w) => FORBIDDEN_WORDS.has(w));
}

/** One finding per key and place (array indices dropped), naming the first answer it was seen in. */
function distinct(findings: readonly Finding[]): string[] {
  const seen = new Map<string, string>();
  for (const f of findings) {
    const place = f.path.replace(/\[\d+\]/g, '[]');
    if (!seen.has(place)) seen.set(place, `${place}: ${f.why} (first in ${f.where})`);
  }
  return [...seen.values()];
}

interface Finding {
  readonly where: string;
  readonly path: string;
  readonly key: string;
  readonly why: string;
}

/** An object in the shape of the event contract (its `details` hold rule facts). */
function isEvent(value: unknown): boolean {
  return value !== null && typeof value === 'object' && 'rule' in value && 'box' in value && 'track_ids' in value;
}

/** Walks a JSON value and reports every key that is not allowed; an event's `details` are held to their own list. */
function walk(value: unknown, where: string, path: string, findings: Finding[], inDetails = false): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, where, `${path}[${i}]`, findings));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const here = `${path}.${key}`;
    const allowed = inDetails ? ALLOWED_DETAIL_KEYS.has(key) : ALLOWED_KEYS.has(key);
    const word = EXEMPT_KEYS.has(key) ? undefined : forbiddenWord(key);
    if (word) findings.push({ where, path: here, key, why: `names "${word}" (biometric, appearance or identity)` });
    else if (!allowed) findings.push({ where, path: here, key, why: `not on the ${inDetails ? 'detail' : 'field'} allow-list` });
    walk(child, where, here, findings, !inDetails && key === 'details' && isEvent(value));
  }
}

/** Keys of the OpenAPI document: only the biometric words are checked (its keys are schema keywords and paths). */
function walkForbiddenOnly(value: unknown, where: string, path: string, findings: Finding[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkForbiddenOnly(v, where, `${path}[${i}]`, findings));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const word = EXEMPT_KEYS.has(key) ? undefined : forbiddenWord(key);
    if (word) findings.push({ where, path: `${path}.${key}`, key, why: `names "${word}"` });
    walkForbiddenOnly(child, where, `${path}.${key}`, findings);
  }
}

/** Every stored-event item found in a value (objects with an `event` that has a `type`). */
function eventsIn(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => eventsIn(v, out));
  else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.event !== null && typeof o.event === 'object' && 'type' in o.event && 'box' in o.event) out.push(o.event);
    Object.values(o).forEach((v) => eventsIn(v, out));
  }
  return out;
}

interface OpenApiOperation {
  readonly responses?: { readonly 200?: { readonly content?: Record<string, unknown> } };
}

describe.skipIf(clip.missing)('no field outside the allow-list leaves Vigie (issue 7, part 4)', () => {
  let dir = '';
  let vigie: RunningVigie;
  const cookies = new Map<Role, string>();
  const sockets: WebSocket[] = [];
  const live: { role: Role; message: unknown }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-privacy-'));
    const fixture = loadConfigFile(new URL('../fixtures/car-park.yaml', import.meta.url).pathname);
    const config = { ...fixture, cameras: fixture.cameras.map((c) => ({ ...c, source: clip.path })) };
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
    const hasher = createPasswordHasher(ARGON2);
    const hash = await hasher.hash(PASSWORD);
    for (const role of ROLES) {
      await vigie.repos.users.create({ username: `u-${role}`, displayName: `User ${role}`, role, passwordHash: hash });
      const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `u-${role}`, password: PASSWORD } });
      expect(res.statusCode, `login as ${role}`).toBe(200);
      cookies.set(role, `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`);
    }
    const wsUrl = `${vigie.url.replace('http', 'ws')}/api/live`;
    for (const role of ROLES) {
      const ws = new WebSocket(wsUrl, { headers: { cookie: cookies.get(role) ?? '' } });
      ws.on('message', (data: Buffer) => live.push({ role, message: JSON.parse(data.toString()) as unknown }));
      sockets.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
    }
    // Wait for a closed event (the first car crosses the middle line about 6.5 s in), at most 25 s.
    const deadline = Date.now() + 25_000;
    const closed = (): boolean =>
      live.some(({ message }) => (message as { type?: string; change?: string }).type === 'event' && (message as { change?: string }).change === 'closed');
    while (!closed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  });

  afterAll(async () => {
    for (const ws of sockets) ws.close();
    await vigie?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saw events and health on the live WebSocket', () => {
    const types = new Set(live.map(({ message }) => (message as { type?: string }).type));
    expect(types).toContain('event');
    expect(types).toContain('health');
  });

  it('sends no live message with a field outside the allow-list', () => {
    const findings: Finding[] = [];
    for (const { role, message } of live) walk(message, `live (${role})`, '$', findings);
    expect(distinct(findings)).toEqual([]);
    for (const { message } of live) for (const e of eventsIn(message)) expect(vigieEventSchema.safeParse(e).success).toBe(true);
  });

  it('answers no GET route with a field outside the allow-list, for any role', async () => {
    const docs = await vigie.app.inject({ method: 'GET', url: '/api/docs' });
    const openApi = docs.json<{ paths: Record<string, { get?: OpenApiOperation }> }>();
    const findings: Finding[] = [];
    walkForbiddenOnly(openApi, 'GET /api/docs', '$', findings);

    const eventId = (await vigie.repos.events.list({ limit: 1 })).items[0]?.event.id;
    expect(eventId, 'an event was stored during the run').toBeDefined();
    const users = await vigie.repos.users.list();
    const paramFor = (path: string, name: string): string => {
      const area = path.split('/')[2];
      if (name === 'id' && area === 'cameras') return 'parking-allee';
      if (name === 'id' && area === 'events') return eventId ?? 'none';
      if (name === 'id' && area === 'users') return String(users[0]?.id ?? 'none');
      // An unknown parameter: a 404 answer is still walked (its `{ code, message }`).
      return 'unknown';
    };

    let called = 0;
    for (const [path, ops] of Object.entries(openApi.paths)) {
      const content = ops.get?.responses?.[200]?.content;
      if (!ops.get || (content && !('application/json' in content))) continue; // binary answers: images, video, playlists, zips
      const url = path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => encodeURIComponent(paramFor(path, name)));
      for (const role of [...ROLES, null]) {
        const res = await vigie.app.inject({ method: 'GET', url, headers: role ? { cookie: cookies.get(role) ?? '' } : {} });
        if (!String(res.headers['content-type'] ?? '').includes('application/json')) continue;
        called += 1;
        const body = res.json<unknown>();
        if (url === '/api/docs') continue; // walked above
        walk(body, `GET ${url} as ${role ?? 'anonymous'} (${res.statusCode})`, '$', findings);
        for (const e of eventsIn(body)) expect(vigieEventSchema.safeParse(e).success, `event in GET ${url}`).toBe(true);
      }
    }
    expect(called).toBeGreaterThan(30);
    expect(distinct(findings)).toEqual([]);
  });
});
