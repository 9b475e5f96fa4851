import { describe, expect, it } from 'vitest';
import type { TrackSnapshot } from '../../../src/contracts/track.js';
import { createEventLifecycle } from '../../../src/events/lifecycle.js';
import { legalStatus } from '../../../src/rules/legal-basis.js';
import { occurrenceTarget } from '../../../src/rules/occurrence.js';
import { createCameraRules } from '../../../src/rules/registry.js';
import type { CountRecord, RuleSignal } from '../../../src/rules/types.js';
import { brief, car, frame, line, person, ruleConfig, zone } from './scenario.js';

// Zone "pelouse": the left half of the image; people at x 0.25 are inside.
const camera = (rule: Record<string, unknown>) => ({
  zones: [zone({ id: 'pelouse', polygon: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] })],
  lines: [line({ id: 'route', points: [[0.6, 0.5], [0.9, 0.5]] })],
  rules: [ruleConfig({ id: 'r1', type: 'intrusion', zone: 'pelouse', min_duration_s: 0, ...rule })],
});
const AUTH = { kind: 'authorised_alert', reference: 'Arrêté préfectoral n° 2026-123', valid_until: '2026-12-31' } as const;
/** 2026-12-31 24:00 in Paris (UTC+1 in winter): the first instant the authorisation no longer covers. */
const END_MS = Date.parse('2026-12-31T23:00:00Z');

/** Runs a camera's rules over frames placed at wall times; returns the signals and every count record. */
function play(rules: ReturnType<typeof createCameraRules>, frames: readonly { wallMs: number; tracks: readonly TrackSnapshot[] }[]) {
  let state = rules.init();
  const signals: RuleSignal[] = [];
  const counts: CountRecord[] = [];
  frames.forEach((f, i) => {
    const step = rules.evaluate(state, frame(i, f.tracks), { wallMs: f.wallMs, scene: {} });
    state = step.state;
    signals.push(...step.signals);
    counts.push(...step.counts);
  });
  return { signals, counts: [...counts, ...rules.flushCounts(state)] };
}

describe('authorised alert', () => {
  it('alerts until the end of valid_until in Europe/Paris, then ends the open situation and stays silent', () => {
    const rules = createCameraRules(camera({ legal_basis: AUTH }), { timeZone: 'Europe/Paris' });
    const { signals } = play(rules, [
      { wallMs: END_MS - 2000, tracks: [person(1, 0.25, 0.5)] },
      { wallMs: END_MS - 1, tracks: [person(1, 0.25, 0.5)] },
      { wallMs: END_MS, tracks: [person(1, 0.25, 0.5)] },
      { wallMs: END_MS + 1000, tracks: [person(1, 0.25, 0.5), person(2, 0.3, 0.6)] },
    ]);
    expect(signals.map(brief)).toEqual(['0 active #1', '1 active #1', '2 ended #1 authorisation_expired']);
  });

  it('closes the open event when the authorisation ends', () => {
    const rules = createCameraRules(camera({ legal_basis: AUTH }), { timeZone: 'Europe/Paris' });
    const lifecycle = createEventLifecycle({ camera: 'cam', rules: rules.meta, baseWallMs: END_MS - 2000, newId: () => 'ev' });
    let state = rules.init();
    const changes = [END_MS - 2000, END_MS - 1000, END_MS, END_MS + 1000].flatMap((wallMs, i) => {
      const step = rules.evaluate(state, frame(i, [person(1, 0.25, 0.5)]), { wallMs, scene: {} });
      state = step.state;
      return lifecycle.ingest(step.signals, i).map((c) => ({ frame: i, ...c }));
    });
    // Closed at the first frame past midnight; the event ends when the situation was last seen.
    expect(changes.filter((c) => c.kind !== 'updated').map((c) => `${c.frame} ${c.kind} ${c.event.end}`)).toEqual(['0 opened null', '2 closed 1']);
  });

  it('reads the end date in the config time zone (summer time in Paris, UTC elsewhere)', () => {
    const summer = { ...AUTH, valid_until: '2026-06-30' };
    const lastParisMinute = Date.parse('2026-06-30T21:59:00Z');
    const paris = createCameraRules(camera({ legal_basis: summer }), { timeZone: 'Europe/Paris' });
    expect(play(paris, [{ wallMs: lastParisMinute, tracks: [person(1, 0.25, 0.5)] }, { wallMs: lastParisMinute + 60_000, tracks: [person(1, 0.25, 0.5)] }]).signals.map(brief)).toEqual([
      '0 active #1',
      '1 ended #1 authorisation_expired',
    ]);
    const utc = createCameraRules(camera({ legal_basis: summer }), { timeZone: 'UTC' });
    expect(play(utc, [{ wallMs: lastParisMinute + 60_000, tracks: [person(1, 0.25, 0.5)] }]).signals.map(brief)).toEqual(['0 active #1']);
  });

  it('an undeclared rule alerts as before, whatever the date', () => {
    const rules = createCameraRules(camera({}), { timeZone: 'Europe/Paris' });
    expect(rules.meta.map((m) => m.id)).toEqual(['r1']);
    expect(play(rules, [{ wallMs: END_MS + 86_400_000 * 400, tracks: [person(1, 0.25, 0.5)] }]).signals.map(brief)).toEqual(['0 active #1']);
  });
});

describe('statistics basis', () => {
  it('never raises a signal: each situation opened counts once in its 5-minute bucket, per class', () => {
    const rules = createCameraRules(camera({ legal_basis: { kind: 'statistics' }, classes: ['person', 'car'] }));
    expect(rules.rules).toEqual([]);
    expect(rules.meta).toEqual([]);
    const t0 = Date.parse('2026-03-02T10:00:00Z');
    const { signals, counts } = play(rules, [
      { wallMs: t0, tracks: [person(1, 0.25, 0.5)] },
      { wallMs: t0 + 1000, tracks: [person(1, 0.25, 0.5), person(2, 0.3, 0.6), car(3, 0.2, 0.2)] },
      { wallMs: t0 + 2000, tracks: [person(1, 0.25, 0.5)] },
      { wallMs: t0 + 301_000, tracks: [person(4, 0.25, 0.5)] },
    ]);
    expect(signals).toEqual([]);
    const base = { ruleId: 'r1', bucketS: 300, kind: 'occurrence', target: 'pelouse', direction: null };
    expect(counts).toEqual([
      { ...base, bucketStartMs: t0, cls: 'person', value: 2, peak: 2, frames: 3 },
      { ...base, bucketStartMs: t0, cls: 'car', value: 1, peak: 1, frames: 3 },
      { ...base, bucketStartMs: t0 + 300_000, cls: 'person', value: 1, peak: 1, frames: 1 },
    ]);
  });

  it('still asks for the pixel readings a statistics-only pixel rule needs', () => {
    const rules = createCameraRules({ zones: [], lines: [], rules: [ruleConfig({ id: 'feu', type: 'fire', legal_basis: { kind: 'statistics' } })] });
    expect(rules.meta).toEqual([]);
    expect(rules.statistics.map((s) => s.id)).toEqual(['feu']);
    expect(rules.sceneRequests).toHaveLength(1);
  });

  it('files counts under the rule\'s zone, else its line, else its event type', () => {
    expect(occurrenceTarget(ruleConfig({ id: 'a', type: 'line_crossing', line: 'route' }))).toBe('route');
    expect(occurrenceTarget(ruleConfig({ id: 'b', type: 'person_down' }))).toBe('person_down');
  });
});

describe('legalStatus', () => {
  const intrusion = (legal_basis?: Record<string, unknown>) => ruleConfig({ id: 'r', type: 'intrusion', zone: 'pelouse', ...(legal_basis ? { legal_basis } : {}) });

  it('is authorised through the last day, then expired with a French reason', () => {
    const rule = intrusion({ ...AUTH, authority: 'Préfecture de police' });
    expect(legalStatus(rule, END_MS - 1, 'Europe/Paris')).toEqual({
      state: 'authorised',
      reference: AUTH.reference,
      authority: 'Préfecture de police',
      validUntil: '2026-12-31',
      reason: "Alerte en temps réel autorisée — Arrêté préfectoral n° 2026-123, jusqu'au 31/12/2026",
    });
    expect(legalStatus(rule, END_MS, 'Europe/Paris')).toMatchObject({
      state: 'expired',
      validUntil: '2026-12-31',
      reason: 'Autorisation Arrêté préfectoral n° 2026-123 expirée le 31/12/2026 : alertes suspendues',
    });
  });

  it('names the other bases, and counting is statistics by nature', () => {
    expect(legalStatus(intrusion(), 0, 'UTC')).toEqual({ state: 'undeclared', reason: 'Base légale non déclarée' });
    expect(legalStatus(intrusion({ kind: 'statistics' }), 0, 'UTC')).toEqual({ state: 'statistics', reason: 'Statistiques anonymes uniquement (aucune alerte)' });
    expect(legalStatus(ruleConfig({ id: 't', type: 'camera_tamper', legal_basis: { kind: 'device_monitoring' } }), 0, 'UTC').state).toBe('device_monitoring');
    expect(legalStatus(ruleConfig({ id: 'c', type: 'counting', lines: ['route'] }), 0, 'UTC').state).toBe('statistics');
  });
});
