import { describe, expect, it } from 'vitest';
import { problemsOf } from '../helpers/config-problems.js';
import { parseConfigYaml } from '../../src/config/load.js';
import { RULE_TYPES } from '../../src/config/rules/index.js';
import { ruleTargets } from '../../src/config/schema.js';

const camera = (rules: string, extra = ''): string => `
cameras:
  - id: cam
    source: clip.mp4
    zones:
      - { id: square, polygon: [[0.1,0.1],[0.9,0.1],[0.9,0.9],[0.1,0.9]] }
      - { id: lamp, polygon: [[0.0,0.0],[0.05,0.0],[0.05,0.05]] }
    lines:
      - { id: stop, points: [[0.2,0.5],[0.8,0.5]] }
      - { id: exit, points: [[0.2,0.7],[0.8,0.7]] }
${extra}
    rules:
${rules}
`;

describe('rule catalogue config', () => {
  it('accepts one rule of every type with its defaults', () => {
    const rules = [
      '{ id: a, type: intrusion, zone: square }',
      '{ id: b, type: line_crossing, line: stop }',
      '{ id: c, type: gathering, zone: square }',
      '{ id: d, type: crowd_movement, zone: square }',
      '{ id: e, type: loitering, zone: square, schedule: [{ days: [mon, tue], from: "22:00", to: "06:00" }] }',
      '{ id: f, type: vehicle_prowling, zone: square }',
      '{ id: g, type: vehicle_departure, zone: square }',
      '{ id: h, type: stopped_vehicle, zone: square }',
      '{ id: i, type: speeding, entry_line: stop, exit_line: exit, distance_m: 12 }',
      '{ id: j, type: red_light, stop_line: stop, signal_zone: lamp }',
      '{ id: k, type: person_down }',
      '{ id: l, type: abandoned_object, zone: square, mode: shadow }',
      '{ id: m, type: illegal_dumping, zone: square }',
      '{ id: n, type: bin_overflow, zone: square }',
      '{ id: o, type: fire }',
      '{ id: p, type: smoke, zone: square }',
      '{ id: q, type: camera_tamper }',
      '{ id: r, type: counting, lines: [stop], zones: [square] }',
      '{ id: s, type: wrong_way, zone: square }',
    ];
    const yaml = camera(rules.map((r) => `      - ${r}`).join('\n')).replace('{ id: square, polygon', '{ id: square, direction: [0, 1], polygon');
    const config = parseConfigYaml(yaml);
    const parsed = config.cameras[0]?.rules ?? [];
    expect(new Set(parsed.map((r) => r.type))).toEqual(new Set(RULE_TYPES));
    expect(config.timezone).toBe('Europe/Paris');
    const loitering = parsed.find((r) => r.id === 'e');
    expect(loitering).toMatchObject({ mode: 'active', schedule: [{ days: ['mon', 'tue'], from: '22:00', to: '06:00' }] });
    expect(parsed.find((r) => r.id === 'l')).toMatchObject({ mode: 'shadow' });
    const red = parsed.find((r) => r.id === 'j');
    expect(red && ruleTargets(red)).toEqual({ zone: 'lamp', line: 'stop' });
  });

  it('checks every zone and line a rule names, whatever the field', () => {
    const problems = problemsOf(camera(['      - { id: j, type: red_light, stop_line: nowhere, signal_zone: ghost }', '      - { id: r, type: counting, lines: [stop, gone] }'].join('\n')));
    expect(problems).toContainEqual(expect.stringMatching(/cameras\[0\]\.rules\[0\]\.stop_line: unknown line "nowhere"/));
    expect(problems).toContainEqual(expect.stringMatching(/cameras\[0\]\.rules\[0\]\.signal_zone: unknown zone "ghost": .*known: square, lamp/));
    expect(problems).toContainEqual(expect.stringMatching(/cameras\[0\]\.rules\[1\]\.lines\[1\]: unknown line "gone"/));
  });

  it('explains what speeding and density need', () => {
    expect(problemsOf(camera('      - { id: i, type: speeding, entry_line: stop }'))).toContainEqual(expect.stringMatching(/entry_line, exit_line and distance_m together/));
    expect(problemsOf(camera('      - { id: i, type: speeding, zone: square }'))).toContainEqual(expect.stringMatching(/zone on a camera with a ground_plane/));
    expect(problemsOf(camera('      - { id: c, type: gathering, zone: square, min_density_per_m2: 1 }'))).toContainEqual(expect.stringMatching(/min_density_per_m2: a density needs the camera's ground_plane/));
    const plane = '    ground_plane: { image: [[0.1,0.9],[0.9,0.9],[0.7,0.4],[0.3,0.4]], world: [[0,0],[10,0],[10,20],[0,20]] }';
    expect(() => parseConfigYaml(camera('      - { id: i, type: speeding, zone: square }', plane))).not.toThrow();
    const collinear = '    ground_plane: { image: [[0.1,0.9],[0.5,0.9],[0.9,0.9],[0.3,0.4]], world: [[0,0],[10,0],[10,20],[0,20]] }';
    expect(problemsOf(camera('      - { id: i, type: speeding, zone: square }', collinear))).toContainEqual(expect.stringMatching(/cameras\[0\]\.ground_plane: /));
  });

  it('names bad schedules, modes, counting without target and time zones', () => {
    expect(problemsOf(camera('      - { id: e, type: loitering, zone: square, schedule: [{ days: [lun], from: "22h", to: "06:00" }] }'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/schedule\[0\]\.days\[0\]: unknown day: use mon, tue/), expect.stringMatching(/schedule\[0\]\.from: use 24-hour HH:MM/)]),
    );
    expect(problemsOf(camera('      - { id: e, type: loitering, zone: square, schedule: [] }'))).toContainEqual(expect.stringMatching(/empty schedule would never run/));
    expect(problemsOf(camera('      - { id: e, type: loitering, zone: square, mode: silent }'))).toContainEqual(expect.stringMatching(/rules\[0\]\.mode/));
    expect(problemsOf(camera('      - { id: r, type: counting }'))).toContainEqual(expect.stringMatching(/counting rule needs at least one line or one zone/));
    expect(problemsOf(`timezone: Europe/Suresnes\n${camera('      - { id: a, type: intrusion, zone: square }')}`)).toContainEqual(expect.stringMatching(/timezone: unknown time zone/));
    expect(problemsOf(camera('      - { id: z, type: teleport }'))).toContainEqual(expect.stringMatching(/unknown rule type: use one of intrusion, .*counting/));
  });
});
