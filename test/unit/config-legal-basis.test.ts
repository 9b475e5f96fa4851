import { describe, expect, it } from 'vitest';
import { problemsOf } from '../helpers/config-problems.js';
import { parseConfigYaml } from '../../src/config/load.js';

const camera = (rules: readonly string[]): string => `
cameras:
  - id: cam
    source: clip.mp4
    zones:
      - { id: lawn, polygon: [[0.1,0.1],[0.9,0.1],[0.9,0.9],[0.1,0.9]] }
    lines:
      - { id: road, points: [[0.2,0.5],[0.8,0.5]] }
    rules:
${rules.map((r) => `      - ${r}`).join('\n')}
`;

const AUTH = '{ kind: authorised_alert, reference: "Arrêté préfectoral n° 2026-123", authority: "Préfecture de police", valid_until: "2026-12-31" }';

describe('rule legal basis config', () => {
  it('accepts each basis where the framework allows it, and rules without one', () => {
    const config = parseConfigYaml(
      camera([
        `{ id: lawn-alert, type: intrusion, zone: lawn, purpose: "Pelouse interdite la nuit", legal_basis: ${AUTH} }`,
        '{ id: loiter, type: loitering, zone: lawn, legal_basis: { kind: statistics } }',
        '{ id: tamper, type: camera_tamper, legal_basis: { kind: device_monitoring } }',
        '{ id: count, type: counting, lines: [road], legal_basis: { kind: statistics } }',
        '{ id: plain, type: gathering, zone: lawn }',
      ]),
    );
    const [alert, loiter, tamper, count, plain] = config.cameras[0]?.rules ?? [];
    expect(alert).toMatchObject({
      purpose: 'Pelouse interdite la nuit',
      legal_basis: { kind: 'authorised_alert', reference: 'Arrêté préfectoral n° 2026-123', authority: 'Préfecture de police', valid_until: '2026-12-31' },
    });
    expect(loiter?.legal_basis).toEqual({ kind: 'statistics' });
    expect(tamper?.legal_basis).toEqual({ kind: 'device_monitoring' });
    expect(count?.legal_basis).toEqual({ kind: 'statistics' });
    expect(plain).not.toHaveProperty('legal_basis');
    expect(plain).not.toHaveProperty('purpose');
  });

  it('refuses an authorised alert for a type the framework does not list, naming the path and the allowed types', () => {
    const problems = problemsOf(camera(['{ id: ok, type: person_down }', `{ id: loiter, type: loitering, zone: lawn, legal_basis: ${AUTH} }`]));
    expect(problems).toEqual([
      expect.stringMatching(/^cameras\[0\]\.rules\[1\]\.legal_basis\.kind: loitering cannot be an authorised real-time alert: .*abandoned_object, wrong_way, intrusion, line_crossing, person_down, crowd_movement, gathering, fire, smoke; use \{ kind: statistics \} instead$/),
    ]);
  });

  it('lets counting be statistics only', () => {
    expect(problemsOf(camera([`{ id: count, type: counting, lines: [road], legal_basis: ${AUTH} }`]))).toEqual([
      expect.stringMatching(/^cameras\[0\]\.rules\[0\]\.legal_basis\.kind: counting cannot be an authorised real-time alert: .*use \{ kind: statistics \} instead$/),
    ]);
    expect(problemsOf(camera(['{ id: count, type: counting, lines: [road], legal_basis: { kind: device_monitoring } }']))).toEqual([
      expect.stringMatching(/^cameras\[0\]\.rules\[0\]\.legal_basis\.kind: device_monitoring only applies to camera_tamper .*use \{ kind: statistics \} instead$/),
    ]);
  });

  it('keeps device_monitoring for camera_tamper', () => {
    expect(problemsOf(camera(['{ id: fire, type: fire, legal_basis: { kind: device_monitoring } }']))).toEqual([
      expect.stringMatching(/^cameras\[0\]\.rules\[0\]\.legal_basis\.kind: device_monitoring only applies to camera_tamper \(it concerns the camera, not people\): use \{ kind: statistics \} or \{ kind: authorised_alert, reference, valid_until \} instead$/),
    ]);
  });

  it('says what is wrong in an authorisation, field by field', () => {
    const problems = problemsOf(
      camera([
        '{ id: a, type: intrusion, zone: lawn, legal_basis: { kind: authorised_alert, valid_until: "31/12/2026" } }',
        '{ id: b, type: intrusion, zone: lawn, legal_basis: { kind: authorised_alert, reference: "A-1", valid_until: "2026-02-30" } }',
        '{ id: c, type: intrusion, zone: lawn, legal_basis: { kind: permit } }',
        '{ id: d, type: intrusion, zone: lawn, legal_basis: { kind: statistics, reference: "A-1" } }',
        `{ id: e, type: intrusion, zone: lawn, purpose: "${'x'.repeat(301)}" }`,
      ]),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'cameras[0].rules[0].legal_basis.reference: missing: this field is required (expected string)',
        'cameras[0].rules[0].legal_basis.valid_until: use a date YYYY-MM-DD, e.g. "2026-12-31"',
        'cameras[0].rules[1].legal_basis.valid_until: not a calendar day: use a real date YYYY-MM-DD, e.g. "2026-12-31"',
        'cameras[0].rules[2].legal_basis.kind: unknown legal basis kind: use one of authorised_alert, statistics, device_monitoring',
        expect.stringMatching(/^cameras\[0\]\.rules\[3\]\.legal_basis: unknown key\(s\) "reference"/),
        'cameras[0].rules[4].purpose: keep the purpose under 300 characters',
      ]),
    );
    expect(problems).toHaveLength(6);
  });
});
