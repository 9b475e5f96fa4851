import { describe, expect, it } from 'vitest';
import { problemsOf } from '../helpers/config-problems.js';
import { formatPath, parseConfigYaml } from '../../src/config/load.js';

const valid = `
cameras:
  - id: parvis-nord
    source: rtsp://user:pass@10.0.0.5/stream1
    zones:
      - id: voie-1
        polygon: [[0.1,0.0],[0.9,0.0],[0.9,1.0],[0.1,1.0]]
        direction: [0, 1]
    lines:
      - id: entree
        points: [[0.2,0.5],[0.8,0.5]]
    rules:
      - { id: r1, type: intrusion, zone: voie-1, classes: [person], min_duration_s: 1 }
      - { id: r2, type: wrong_way, zone: voie-1, classes: [car, truck, bus, motorcycle] }
      - { id: r3, type: line_crossing, line: entree, direction: any }
`;

describe('config loader', () => {
  it('accepts the ARCHITECTURE 5.2 example and fills defaults', () => {
    const cfg = parseConfigYaml(valid);
    const cam = cfg.cameras[0]!;
    expect(cam.detect).toEqual({ fps: 5, width: 640, backend: 'model', min_score: 0.4, motion_gating: true, input_size: 512, region_crops: true });
    expect(cam.rules.map((r) => r.type)).toEqual(['intrusion', 'wrong_way', 'line_crossing']);
    const crossing = cam.rules[2]!;
    expect(crossing.type === 'line_crossing' && crossing.classes).toContain('person');
    expect(Object.isFrozen(cam.zones[0]!.polygon)).toBe(true);
  });

  it('names the YAML path of an out-of-range coordinate', () => {
    const problems = problemsOf(valid.replace('[0.9,0.0],[0.9,1.0]', '[0.9,0.0],[1.5,1.0]'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^cameras\[0\]\.zones\[0\]\.polygon\[2\]\[0\]: must be <= 1/);
  });

  it('rejects a rule that refers to an unknown zone, saying how to fix it', () => {
    const problems = problemsOf(valid.replace('zone: voie-1, classes: [person]', 'zone: voie-2, classes: [person]'));
    expect(problems[0]).toMatch(/cameras\[0\]\.rules\[0\]\.zone: unknown zone "voie-2".*known: voie-1/);
  });

  it('rejects unknown keys, unknown classes and unknown rule types', () => {
    expect(problemsOf(valid.replace('direction: any', 'direction: any, colour: red'))[0]).toMatch(/rules\[2\]: unknown key\(s\) "colour"/);
    expect(problemsOf(valid.replace('classes: [person]', 'classes: [pedestrian]'))[0]).toMatch(/rules\[0\]\.classes\[0\]: unknown class/);
    expect(problemsOf(valid.replace('type: intrusion', 'type: teleport'))[0]).toMatch(/rules\[0\]\.type: unknown rule type/);
  });

  it('requires a direction on the zone of a wrong_way rule', () => {
    expect(problemsOf(valid.replace(/\n\s+direction: \[0, 1\]/, ''))[0]).toMatch(/rules\[1\]\.zone: zone "voie-1" has no direction/);
  });

  it('reports YAML syntax errors and a missing source', () => {
    expect(() => parseConfigYaml('cameras: [\n')).toThrow(/not valid YAML/);
    expect(problemsOf('cameras:\n  - id: a\n')[0]).toBe('cameras[0].source: missing: this field is required (expected string)');
  });

  it('formats paths the way YAML users read them', () => {
    expect(formatPath(['cameras', 0, 'rules', 1, 'zone'])).toBe('cameras[0].rules[1].zone');
    expect(formatPath([])).toBe('(top level)');
  });
});
