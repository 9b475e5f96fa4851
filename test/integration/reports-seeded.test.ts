import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type Argon2Params } from '../../src/auth/passwords.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { configSchema } from '../../src/config/schema.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import { createSegmentIndex } from '../../src/recording/segment-index.js';
import { computeTrialStatistics, reportTables, tableCsv, type ReportTable } from '../../src/reports/index.js';
import type { Qualification, TrialStatistics } from '../../src/reports/types.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { createRepositories, openDatabase, type IncidentType } from '../../src/store/index.js';

/*
 * A small trial, seeded by hand, whose every figure is worked out below.
 *
 * Period: Saturday 28 March 2026 00:00 to Tuesday 31 March 00:00, Paris time
 * (= 2026-03-27T23:00Z to 2026-03-30T22:00Z). Clocks go forward on Sunday 29
 * at 01:00Z (02:00 -> 03:00 local), so the period is 24 + 23 + 24 = 71 hours,
 * days = 71 / 24.
 *
 * Cameras of the configuration: `parvis` (recorded; rules `pelouse` intrusion,
 * active, and `attroupement` gathering, shadow) and `gare` (not recorded;
 * `sens` wrong_way, active, and `flanerie` loitering, statistics only).
 * `ancienne` is a camera removed from the configuration that still has an event.
 */

const ARGON2: Argon2Params = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };
const PASSWORD = 'correct horse battery staple 42';
const ZONE = 'Europe/Paris';
const FROM = '2026-03-28T00:00:00+01:00';
const TO = '2026-03-31T00:00:00+02:00';
const DAYS = 71 / 24;
const PERIOD_H = 71;

const config = configSchema.parse({
  timezone: ZONE,
  cameras: [
    {
      id: 'parvis',
      enabled: false,
      source: 'rtsp://10.0.0.1/parvis',
      recording: { enabled: true },
      zones: [{ id: 'z1', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
      rules: [
        { id: 'pelouse', type: 'intrusion', zone: 'z1', classes: ['person'] },
        { id: 'attroupement', type: 'gathering', zone: 'z1', mode: 'shadow' },
      ],
    },
    {
      id: 'gare',
      enabled: false,
      source: 'rtsp://10.0.0.2/gare',
      zones: [{ id: 'z2', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], direction: [0, 1] }],
      rules: [
        { id: 'sens', type: 'wrong_way', zone: 'z2', classes: ['car'] },
        { id: 'flanerie', type: 'loitering', zone: 'z2', legal_basis: { kind: 'statistics' } },
      ],
    },
  ],
});

const event = (id: string, camera: string, rule: string, type: VigieEvent['type'], startTime: string, shadow = false): VigieEvent => ({
  id,
  camera,
  rule,
  type,
  severity: 'high',
  start: 0,
  end: null,
  start_time: startTime,
  track_ids: [1],
  classes: ['person'],
  box: [0.1, 0.1, 0.2, 0.2],
  score: 0.9,
  snapshot: null,
  clip: null,
  details: shadow ? { zone: 'z1', shadow: true } : { zone: 'z1' },
});

/** `iso` plus `s` seconds. */
const plus = (iso: string, s: number): number => Date.parse(iso) + s * 1000;

/** A qualification with its precision written out by hand (not recomputed from the counts). */
const q = (trueAlerts: number, falseAlarms: number, duplicates: number, unqualified: number, precision: number | null): Qualification => ({
  events: trueAlerts + falseAlarms + duplicates + unqualified,
  trueAlerts,
  falseAlarms,
  duplicates,
  unqualified,
  precision,
});

let dir = '';
let clock = 0;
let stats: TrialStatistics;
let gareOnly: TrialStatistics;
const ids = { claire: '', marc: '' };
const NOW = Date.parse('2026-04-01T08:00:00Z');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-reports-'));
  const store = await openDatabase({ dataDir: dir });
  const repos = createRepositories(store.db, { now: () => clock });
  clock = Date.parse('2026-03-01T00:00:00Z');
  await repos.config.save(config, { userId: null, comment: 'test' });
  const hash = await createPasswordHasher(ARGON2).hash(PASSWORD);
  ids.claire = (await repos.users.create({ username: 'claire', displayName: 'Claire', role: 'operator', passwordHash: hash })).id;
  ids.marc = (await repos.users.create({ username: 'marc', displayName: 'Marc', role: 'operator', passwordHash: hash })).id;
  for (const role of ROLES) await repos.users.create({ username: `u-${role}`, displayName: role, role, passwordHash: hash });

  const E = {
    E1: event('E1', 'parvis', 'pelouse', 'intrusion', '2026-03-28T08:00:00.000Z'), // Sat 09:00 local
    E2: event('E2', 'parvis', 'pelouse', 'intrusion', '2026-03-28T21:30:00.000Z'), // Sat 22:30
    E3: event('E3', 'parvis', 'pelouse', 'intrusion', '2026-03-29T00:30:00.000Z'), // Sun 01:30 (UTC+1)
    E4: event('E4', 'parvis', 'pelouse', 'intrusion', '2026-03-29T01:30:00.000Z'), // Sun 03:30 (UTC+2)
    E5: event('E5', 'gare', 'sens', 'wrong_way', '2026-03-29T12:00:00.000Z'), // Sun 14:00
    E6: event('E6', 'gare', 'sens', 'wrong_way', '2026-03-30T06:15:00.000Z'), // Mon 08:15
    E7: event('E7', 'gare', 'sens', 'wrong_way', '2026-03-30T21:59:59.000Z'), // Mon 23:59:59
    E8: event('E8', 'ancienne', 'old-rule', 'intrusion', '2026-03-28T12:00:00.000Z'), // Sat 13:00
    E9: event('E9', 'parvis', 'pelouse', 'intrusion', '2026-03-27T22:59:59.000Z'), // 1 s before the period
    E10: event('E10', 'parvis', 'pelouse', 'intrusion', '2026-03-30T22:00:00.000Z'), // at `to`: outside
    S1: event('S1', 'parvis', 'attroupement', 'gathering', '2026-03-28T10:00:00.000Z', true),
    S2: event('S2', 'parvis', 'attroupement', 'gathering', '2026-03-29T10:00:00.000Z', true),
    // Vigie's own alert about a camera (not an analysis alert): in no figure below, although acknowledged.
    O1: { ...event('O1', 'parvis', 'system', 'camera_offline', '2026-03-29T09:00:00.000Z'), details: { reason: 'unreachable' } },
  };
  for (const e of Object.values(E)) await repos.events.upsert(e);
  await repos.events.applyAction('O1', { kind: 'ack', userId: ids.claire });

  const act = async (at: number, eventId: string, action: Parameters<typeof repos.events.applyAction>[1]): Promise<void> => {
    clock = at;
    await repos.events.applyAction(eventId, action);
  };
  const { claire, marc } = ids;
  await act(plus(E.E1.start_time, 20), 'E1', { kind: 'ack', userId: claire });
  await act(plus(E.E1.start_time, 30), 'E1', { kind: 'qualify', value: 'true_alert', userId: claire });
  await act(plus(E.E1.start_time, 100), 'E1', { kind: 'dispatch', userId: claire });
  await act(plus(E.E2.start_time, 45), 'E2', { kind: 'ack', userId: marc });
  await act(plus(E.E2.start_time, 60), 'E2', { kind: 'qualify', value: 'false_alarm', userId: marc });
  await act(plus(E.E3.start_time, 400), 'E3', { kind: 'qualify', value: 'duplicate', userId: claire }); // acknowledges too
  await act(plus(E.E5.start_time, 10), 'E5', { kind: 'ack', userId: marc });
  await act(plus(E.E5.start_time, 1000), 'E5', { kind: 'dispatch', userId: marc });
  await act(plus(E.E5.start_time, 1200), 'E5', { kind: 'qualify', value: 'true_alert', userId: marc });
  await act(plus(E.E6.start_time, 90), 'E6', { kind: 'qualify', value: 'true_alert', userId: claire }); // acknowledges too
  await act(plus(E.E6.start_time, 95), 'E6', { kind: 'note', note: 'patrouille prévenue', userId: claire });
  await act(plus(E.E7.start_time, 30), 'E7', { kind: 'note', note: 'vérifié plus tard', userId: marc }); // a note does not acknowledge
  await act(plus(E.E9.start_time, 5), 'E9', { kind: 'qualify', value: 'true_alert', userId: claire });
  await act(plus(E.E10.start_time, 5), 'E10', { kind: 'qualify', value: 'true_alert', userId: claire });

  // Uptime: parvis [27 20:00Z, 28 05:00Z] + [28 04:00Z, 28 10:00Z] + [29 00:00Z, 29 12:00Z]; gare [30 12:00Z, 31 02:00Z].
  for (const [camera, from, to] of [
    ['parvis', '2026-03-27T20:00:00.000Z', '2026-03-28T05:00:00.000Z'],
    ['parvis', '2026-03-28T04:00:00.000Z', '2026-03-28T10:00:00.000Z'],
    ['parvis', '2026-03-29T00:00:00.000Z', '2026-03-29T12:00:00.000Z'],
    ['gare', '2026-03-30T12:00:00.000Z', '2026-03-31T02:00:00.000Z'],
  ] as const) {
    await repos.uptime.extend(await repos.uptime.open(camera, from), to);
  }
  const segments = createSegmentIndex(store.db);
  const segment = (id: string, start: string, end: string) => ({ id, camera: 'parvis', start, end, durationS: (Date.parse(end) - Date.parse(start)) / 1000, bytes: 1, sha256: '0'.repeat(64), path: `parvis/${id}.ts`, createdAt: end });
  await segments.add(segment('s1', '2026-03-27T22:30:00.000Z', '2026-03-27T23:30:00.000Z'));
  await segments.add(segment('s2', '2026-03-28T12:00:00.000Z', '2026-03-28T13:00:00.000Z'));
  await segments.add(segment('s3', '2026-03-28T12:30:00.000Z', '2026-03-28T13:30:00.000Z'));

  const incident = (occurredAt: string, camera: string | null, type: string, eventId: string | null) =>
    repos.incidents.create({ occurredAt, camera, ...(camera === null ? { place: 'Rue Haute' } : {}), type: type as IncidentType, description: 'vu par un opérateur', eventId, by: claire });
  await incident('2026-03-28T08:00:00Z', 'parvis', 'intrusion', 'E1'); // I1: AI camera, detected
  await incident('2026-03-28T15:00:00Z', 'parvis', 'intrusion', null); // I2: AI camera, missed
  await incident('2026-03-28T16:00:00Z', 'parvis', 'gathering', null); // I3: shadow rule only: other group
  await incident('2026-03-29T16:00:00Z', 'gare', 'loitering', null); // I4: statistics rule only: other group
  await incident('2026-03-29T17:00:00Z', null, 'other', null); // I5: a place without camera
  await incident('2026-03-29T12:00:00Z', 'gare', 'wrong_way', 'E5'); // I6: AI camera, detected
  await incident('2026-03-31T10:00:00Z', 'parvis', 'intrusion', null); // I7: after the period

  stats = await computeTrialStatistics(repos, config, { from: FROM, to: TO, cameras: null, timeZone: ZONE }, NOW);
  gareOnly = await computeTrialStatistics(repos, config, { from: FROM, to: TO, cameras: ['gare'], timeZone: ZONE }, NOW);
  await store.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('trial statistics of the seeded period', () => {
  it('states its query, time and length', () => {
    expect(stats.query).toEqual({ from: FROM, to: TO, cameras: null, timeZone: ZONE });
    expect(stats.generatedAt).toBe('2026-04-01T08:00:00.000Z');
    expect(stats.days).toBe(DAYS); // 71 h / 24
  });

  it('counts alerts by type, camera, local day and weekday x hour (shadow and out-of-period events left out)', () => {
    // E1..E8: E9 starts 1 s before `from`, E10 at `to` (excluded), S1 and S2 are shadow.
    expect(stats.events.total).toBe(8);
    expect(stats.events.byType).toEqual([
      { type: 'intrusion', count: 5 }, // E1 E2 E3 E4 E8
      { type: 'wrong_way', count: 3 }, // E5 E6 E7
    ]);
    expect(stats.events.byCamera).toEqual([
      { camera: 'parvis', count: 4 },
      { camera: 'gare', count: 3 },
      { camera: 'ancienne', count: 1 },
    ]);
    expect(stats.events.byDay).toEqual([
      { day: '2026-03-28', count: 3 }, // E1 E2 E8
      { day: '2026-03-29', count: 3 }, // E3 E4 E5 (a 23-hour day)
      { day: '2026-03-30', count: 2 }, // E6 E7 (23:59:59 local)
    ]);
    // Saturday = 5, Sunday = 6, Monday = 0; E3 at 01:30 (UTC+1), E4 at 03:30 (UTC+2).
    const cells = new Map([
      ['5 9', 1], ['5 22', 1], ['5 13', 1], ['6 1', 1], ['6 3', 1], ['6 14', 1], ['0 8', 1], ['0 23', 1],
    ]);
    const expected = Array.from({ length: 168 }, (_, i) => ({ weekday: Math.floor(i / 24), hour: i % 24, count: cells.get(`${Math.floor(i / 24)} ${i % 24}`) ?? 0 }));
    expect(stats.events.byWeekdayHour).toEqual(expected);
  });

  it('qualifies overall, per rule, per camera and per local week', () => {
    // true: E1 E5 E6; false: E2; duplicate: E3; none: E4 E7 E8. Precision 3 / (3 + 1).
    expect(stats.qualification.overall).toEqual(q(3, 1, 1, 3, 0.75));
    expect(stats.qualification.perRule).toEqual([
      { camera: 'ancienne', rule: 'old-rule', type: 'intrusion', ...q(0, 0, 0, 1, null) },
      { camera: 'gare', rule: 'sens', type: 'wrong_way', ...q(2, 0, 0, 1, 1) }, // E5 E6 true, E7 none
      { camera: 'parvis', rule: 'pelouse', type: 'intrusion', ...q(1, 1, 1, 1, 0.5) }, // 1 / (1 + 1)
    ]);
    expect(stats.qualification.perCamera).toEqual([
      { camera: 'parvis', ...q(1, 1, 1, 1, 0.5) },
      { camera: 'gare', ...q(2, 0, 0, 1, 1) },
      { camera: 'ancienne', ...q(0, 0, 0, 1, null) },
    ]);
    expect(stats.qualification.trend).toEqual([
      { week: '2026-03-23', ...q(2, 1, 1, 2, 2 / 3) }, // Sat 28 + Sun 29: E1 E5 true, E2 false, E3 dup, E4 E8 none
      { week: '2026-03-30', ...q(1, 0, 0, 1, 1) }, // Mon 30: E6 true, E7 none
    ]);
  });

  it('measures time to first acknowledgement and first dispatch', () => {
    // Acks: E1 20 s, E2 45 s, E3 400 s (its qualification), E5 10 s, E6 90 s (its qualification); E7 only has a note.
    // Sorted 10 20 45 90 400: median rank ceil(0.5 * 5) = 3 -> 45; p90 rank ceil(0.9 * 5) = 5 -> 400.
    expect(stats.responseTimes.toAcknowledge).toEqual({
      count: 5,
      medianS: 45,
      p90S: 400,
      histogram: [
        { fromS: 0, toS: 30, count: 2 }, // 10, 20
        { fromS: 30, toS: 60, count: 1 }, // 45
        { fromS: 60, toS: 120, count: 1 }, // 90
        { fromS: 120, toS: 300, count: 0 },
        { fromS: 300, toS: 900, count: 1 }, // 400
        { fromS: 900, toS: null, count: 0 },
      ],
    });
    // Dispatches: E1 100 s, E5 1000 s: median rank 1 -> 100, p90 rank ceil(1.8) = 2 -> 1000.
    expect(stats.responseTimes.toDispatch).toEqual({
      count: 2,
      medianS: 100,
      p90S: 1000,
      histogram: [
        { fromS: 0, toS: 30, count: 0 },
        { fromS: 30, toS: 60, count: 0 },
        { fromS: 60, toS: 120, count: 1 },
        { fromS: 120, toS: 300, count: 0 },
        { fromS: 300, toS: 900, count: 0 },
        { fromS: 900, toS: null, count: 1 },
      ],
    });
  });

  it("counts each operator's handled events and active local hours", () => {
    // claire: E1 (ack, qualify, dispatch, Sat 09h), E3 (Sun 01h), E6 (qualify + note, Mon 08h) -> 3 events, 3 hours;
    //   her actions on E9 and E10 are outside the period.
    // marc: E2 (Sat 22h), E5 (Sun 14h), E7 note only (not handled; Tue 31 00h counts as an active hour) -> 2 events, 3 hours.
    expect(stats.workload).toEqual([
      { userId: ids.claire, username: 'claire', eventsHandled: 3, activeHours: 3, perActiveHour: 1 },
      { userId: ids.marc, username: 'marc', eventsHandled: 2, activeHours: 3, perActiveHour: 2 / 3 },
    ]);
  });

  it("counts the shadow rule's would-be alerts per day", () => {
    expect(stats.shadow).toEqual([{ camera: 'parvis', rule: 'attroupement', type: 'gathering', wouldBeAlerts: 2, perDay: 2 / DAYS }]); // S1 S2 over 71/24 days
  });

  it('gives the analysed and recorded share of the period', () => {
    expect(stats.availability).toEqual([
      // uptime [27 23:00Z (clipped), 28 10:00Z] = 11 h (two overlapping spans) + [29 00:00Z, 29 12:00Z] = 12 h -> 23 / 71;
      // segments [27 23:00Z (clipped), 23:30Z] = 0.5 h + [28 12:00Z, 13:30Z] = 1.5 h (overlap counted once) -> 2 / 71.
      { camera: 'parvis', analysedShare: 23 / PERIOD_H, recordingCoverage: 2 / PERIOD_H },
      { camera: 'gare', analysedShare: 10 / PERIOD_H, recordingCoverage: null }, // [30 12:00Z, 30 22:00Z (clipped)]; not recorded
      { camera: 'ancienne', analysedShare: 0, recordingCoverage: null }, // no span; no longer configured
    ]);
  });

  it('summarises the incident log with recall on AI cameras', () => {
    // I1..I6 in the period (I7 after it). AI cameras: I1 (E1), I2 (missed), I6 (E5) -> recall 2 / 3;
    // others: I3 (shadow rule only), I4 (statistics rule only), I5 (a place).
    expect(stats.incidents).toEqual({
      total: 6,
      byType: [
        { type: 'intrusion', count: 2 },
        { type: 'gathering', count: 1 },
        { type: 'loitering', count: 1 },
        { type: 'other', count: 1 },
        { type: 'wrong_way', count: 1 },
      ],
      onAiCameras: 3,
      detectedByAi: 2,
      recall: 2 / 3,
      onOtherCameras: 3,
    });
  });

  it('keeps to the cameras asked for', () => {
    expect(gareOnly.events.total).toBe(3);
    expect(gareOnly.events.byCamera).toEqual([{ camera: 'gare', count: 3 }]);
    expect(gareOnly.qualification.overall).toEqual(q(2, 0, 0, 1, 1));
    // Equal events handled: by user name.
    expect(gareOnly.workload).toEqual([
      { userId: ids.claire, username: 'claire', eventsHandled: 1, activeHours: 1, perActiveHour: 1 }, // E6 (Mon 08h)
      { userId: ids.marc, username: 'marc', eventsHandled: 1, activeHours: 2, perActiveHour: 0.5 }, // E5 (Sun 14h), E7 note (Tue 00h)
    ]);
    expect(gareOnly.shadow).toEqual([]);
    expect(gareOnly.availability).toEqual([{ camera: 'gare', analysedShare: 10 / PERIOD_H, recordingCoverage: null }]);
    // I4 (statistics rule: other group) and I6 (detected); the place-only I5 has no camera.
    expect(gareOnly.incidents).toMatchObject({ total: 2, onAiCameras: 1, detectedByAi: 1, recall: 1, onOtherCameras: 1 });
  });
});

describe('CSV tables', () => {
  const table = (name: string) => reportTables(stats).find((t) => t.name === name);

  it('has one table per chart, with the same numbers', () => {
    expect(reportTables(stats).map((t) => t.name)).toEqual([
      'by_type', 'by_camera', 'by_day', 'weekday_hour', 'precision_by_rule', 'precision_by_camera', 'precision_trend',
      'time_to_ack', 'time_to_dispatch', 'workload', 'shadow', 'availability', 'incidents',
    ]);
    expect(table('by_type')?.rows).toEqual([['intrusion', 5], ['wrong_way', 3]]);
    expect(table('by_camera')?.rows).toEqual([['parvis', 4], ['gare', 3], ['ancienne', 1]]);
    expect(table('by_day')?.rows).toEqual([['2026-03-28', 3], ['2026-03-29', 3], ['2026-03-30', 2]]);
    expect(table('weekday_hour')?.rows).toHaveLength(168);
    expect(table('weekday_hour')?.rows.filter((r) => r[2] !== 0)).toEqual([[0, 8, 1], [0, 23, 1], [5, 9, 1], [5, 13, 1], [5, 22, 1], [6, 1, 1], [6, 3, 1], [6, 14, 1]]);
    expect(table('precision_by_rule')?.rows).toEqual([
      ['ancienne', 'old-rule', 'intrusion', 1, 0, 0, 0, 1, null],
      ['gare', 'sens', 'wrong_way', 3, 2, 0, 0, 1, 1],
      ['parvis', 'pelouse', 'intrusion', 4, 1, 1, 1, 1, 0.5],
    ]);
    expect(table('precision_by_camera')?.rows).toEqual([
      ['parvis', 4, 1, 1, 1, 1, 0.5],
      ['gare', 3, 2, 0, 0, 1, 1],
      ['ancienne', 1, 0, 0, 0, 1, null],
    ]);
    expect(table('precision_trend')?.rows).toEqual([
      ['2026-03-23', 6, 2, 1, 1, 2, 2 / 3],
      ['2026-03-30', 2, 1, 0, 0, 1, 1],
    ]);
    expect(table('time_to_ack')?.rows).toEqual([
      ['count', null, null, 5], ['median_s', null, null, 45], ['p90_s', null, null, 400],
      ['bucket', 0, 30, 2], ['bucket', 30, 60, 1], ['bucket', 60, 120, 1], ['bucket', 120, 300, 0], ['bucket', 300, 900, 1], ['bucket', 900, null, 0],
    ]);
    expect(table('time_to_dispatch')?.rows.slice(0, 3)).toEqual([['count', null, null, 2], ['median_s', null, null, 100], ['p90_s', null, null, 1000]]);
    expect(table('workload')?.rows).toEqual([
      [ids.claire, 'claire', 3, 3, 1],
      [ids.marc, 'marc', 2, 3, 2 / 3],
    ]);
    expect(table('shadow')?.rows).toEqual([['parvis', 'attroupement', 'gathering', 2, 2 / DAYS]]);
    expect(table('availability')?.rows).toEqual([
      ['parvis', 23 / PERIOD_H, 2 / PERIOD_H],
      ['gare', 10 / PERIOD_H, null],
      ['ancienne', 0, null],
    ]);
    expect(table('incidents')?.rows).toEqual([
      ['total', null, 6], ['on_ai_cameras', null, 3], ['detected_by_ai', null, 2], ['recall', null, 2 / 3], ['on_other_cameras', null, 3],
      ['by_type', 'intrusion', 2], ['by_type', 'gathering', 1], ['by_type', 'loitering', 1], ['by_type', 'other', 1], ['by_type', 'wrong_way', 1],
    ]);
  });

  it('writes them as CSV', () => {
    expect(tableCsv(table('by_camera') as ReportTable)).toBe('camera,events\r\nparvis,4\r\ngare,3\r\nancienne,1\r\n');
    expect(tableCsv(table('precision_by_rule') as ReportTable).split('\r\n')[0]).toBe('camera,rule,type,events,true_alerts,false_alarms,duplicates,unqualified,precision');
    expect(tableCsv(table('precision_by_rule') as ReportTable).split('\r\n')[1]).toBe('ancienne,old-rule,intrusion,1,0,0,0,1,');
  });
});

describe('report routes', () => {
  let vigie: RunningVigie;
  const cookies = new Map<Role, string>();
  const csrf = new Map<Role, string>();
  const get = (role: Role, url: string) => vigie.app.inject({ method: 'GET', url, headers: { cookie: cookies.get(role) ?? '' } });
  const send = (role: Role, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    vigie.app.inject({ method, url, headers: { cookie: cookies.get(role) ?? '', 'x-csrf-token': csrf.get(role) ?? '' }, ...(payload ? { payload } : {}) });
  const period = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;

  beforeAll(async () => {
    vigie = await startVigie({ dataDir: dir, port: 0, host: '127.0.0.1', detectorPool: false, argon2: ARGON2, print: () => undefined });
    for (const role of ROLES) {
      const res = await vigie.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `u-${role}`, password: PASSWORD } });
      expect(res.statusCode, `login ${role}`).toBe(200);
      cookies.set(role, `vigie_session=${res.cookies.find((c) => c.name === 'vigie_session')?.value ?? ''}`);
      csrf.set(role, res.json<{ csrfToken: string }>().csrfToken);
    }
  });
  afterAll(async () => {
    await vigie?.close();
  });

  it('answers the DPO and supervisors, refuses operators and administrators', async () => {
    for (const role of ['dpo', 'supervisor'] as const) {
      const res = await get(role, `/api/reports/trial?${period}`);
      expect(res.statusCode, role).toBe(200);
      const body = res.json<TrialStatistics>();
      expect(body.query).toEqual({ from: '2026-03-27T23:00:00.000Z', to: '2026-03-30T22:00:00.000Z', cameras: null, timeZone: ZONE });
      expect(body.events).toEqual(stats.events);
      expect(body.qualification).toEqual(stats.qualification);
      expect(body.incidents).toEqual(stats.incidents);
    }
    for (const role of ['operator', 'admin'] as const) {
      expect((await get(role, `/api/reports/trial?${period}`)).statusCode, role).toBe(403);
      expect((await get(role, `/api/reports/trial/by_type.csv?${period}`)).statusCode, role).toBe(403);
      expect((await get(role, `/api/reports/compare?before_from=${encodeURIComponent(FROM)}&before_to=${encodeURIComponent(TO)}&after_from=${encodeURIComponent(FROM)}&after_to=${encodeURIComponent(TO)}`)).statusCode, role).toBe(403);
    }
  });

  it('serves one table as a CSV attachment', async () => {
    const res = await get('dpo', `/api/reports/trial/by_camera.csv?${period}&cameras=parvis,gare`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="vigie-by_camera-2026-03-27-2026-03-30.csv"');
    expect(res.body).toBe('camera,events\r\nparvis,4\r\ngare,3\r\n');
  });

  it('compares two periods', async () => {
    const res = await get('supervisor', `/api/reports/compare?before_from=2026-03-28T00:00:00%2B01:00&before_to=2026-03-29T00:00:00%2B01:00&after_from=${encodeURIComponent(FROM)}&after_to=${encodeURIComponent(TO)}&cameras=gare`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ before: TrialStatistics; after: TrialStatistics }>();
    expect(body.before.events.total).toBe(0); // gare had no event on Saturday 28
    expect(body.after.events.total).toBe(3);
  });

  it('refuses bad input with a message saying what to fix', async () => {
    const cases: [string, RegExp][] = [
      [`/api/reports/trial?from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`, /query\.to: the period is empty or reversed/],
      ['/api/reports/trial?from=2024-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', /longer than 731 days/],
      [`/api/reports/trial?${period}&cameras=parvis,nulle-part`, /unknown camera "nulle-part"/],
      ['/api/reports/trial?from=hier&to=2026-03-01T00:00:00Z', /query\.from/],
      [`/api/reports/trial/everything.csv?${period}`, /params\.table: table must be one of by_type/],
    ];
    for (const [url, message] of cases) {
      const res = await get('dpo', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ message: string }>().message, url).toMatch(message);
    }
  });

  it('accepts a removed camera that still has events', async () => {
    const res = await get('dpo', `/api/reports/trial?${period}&cameras=ancienne`);
    expect(res.statusCode).toBe(200);
    expect(res.json<TrialStatistics>().events.total).toBe(1);
  });

  it('lets operators log, correct and delete incidents, each change audited', async () => {
    const body = { occurredAt: '2026-04-02T09:00:00+02:00', camera: 'parvis', place: '', type: 'intrusion', description: 'clôture franchie' }; // a form's empty place
    for (const role of ['dpo', 'admin'] as const) expect((await send(role, 'POST', '/api/incidents', body)).statusCode, role).toBe(403);
    const created = await send('operator', 'POST', '/api/incidents', body);
    expect(created.statusCode).toBe(201);
    const { item } = created.json<{ item: { id: string; occurredAt: string; camera: string; place: string | null; eventId: string | null } }>();
    expect(item).toMatchObject({ occurredAt: '2026-04-02T07:00:00.000Z', camera: 'parvis', place: null, eventId: null });

    const listed = await get('dpo', '/api/incidents?from=2026-04-01T00:00:00Z&to=2026-04-03T00:00:00Z');
    expect(listed.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toEqual([item.id]);
    expect((await get('admin', '/api/incidents')).statusCode).toBe(403);

    const patched = await send('supervisor', 'PATCH', `/api/incidents/${item.id}`, { camera: null, place: 'Rue Haute', type: 'other' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json<{ item: object }>().item).toMatchObject({ camera: null, place: 'Rue Haute', type: 'other' });
    expect((await send('operator', 'DELETE', `/api/incidents/${item.id}`)).statusCode).toBe(200);
    expect((await send('operator', 'DELETE', `/api/incidents/${item.id}`)).statusCode).toBe(404);

    const audited = await Promise.all(['incident.create', 'incident.update', 'incident.delete'].map((action) => vigie.repos.audit.list({ action })));
    expect(audited.map((entries) => entries.filter((e) => e.target === item.id).length)).toEqual([1, 1, 1]);
    // The audit log keeps what and where, never the free-text description.
    expect(JSON.stringify(audited)).not.toContain('clôture franchie');
  });

  it('refuses an incident without a camera or place, an unknown camera, an unknown event or a long description', async () => {
    const base = { occurredAt: '2026-04-02T09:00:00Z', type: 'intrusion', description: 'x' };
    const cases: [object, RegExp][] = [
      [base, /body\.camera: give the camera id, or a place label/],
      [{ ...base, camera: 'nulle-part' }, /body\.camera: unknown camera "nulle-part"/],
      [{ ...base, camera: 'parvis', eventId: 'E404' }, /body\.eventId: no event "E404"/],
      [{ ...base, camera: 'parvis', description: 'a'.repeat(2001) }, /body\.description: description: at most 2000 characters/],
      [{ ...base, camera: 'parvis', type: 'vol' }, /body\.type: type must be one of intrusion/],
    ];
    for (const [payload, message] of cases) {
      const res = await send('operator', 'POST', '/api/incidents', payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(res.json<{ message: string }>().message).toMatch(message);
    }
  });
});
