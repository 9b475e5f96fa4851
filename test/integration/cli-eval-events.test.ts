import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVigie } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-eval-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const event = (type: string, start: number, end: number | null): string =>
  JSON.stringify({ id: `${type}-${start}`, camera: 'cam', rule: 'r', type, severity: 'high', start, end, start_time: '2026-11-28T21:00:00.000Z', track_ids: [], classes: ['person'], box: [0, 0, 0.1, 0.1], score: 0.9, snapshot: null, clip: null, details: {} });

describe('vigie eval events', () => {
  const gt = write('gt.json', JSON.stringify([
    { type: 'gathering', start: 10, end: 40 },
    { type: 'gathering', start: 100, end: 130 },
    { type: 'fire', start: 5, end: 20, camera: 'cam' },
  ]));
  const res = write('events.jsonl', [event('gathering', 12, 38), event('gathering', 200, 210), event('fire', 21.5, null), ''].join('\n'));

  it('prints precision, recall and F1 per type', async () => {
    const r = await runVigie(['eval', 'events', '--gt', gt, '--res', res]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/gathering\s+2\s+2\s+1\s+1\s+1\s+0\s+0\.500\s+0\.500\s+0\.500/);
    expect(r.stdout).toMatch(/fire\s+1\s+1\s+1\s+0\s+0\s+0\s+1\.000\s+1\.000\s+1\.000/);
  });

  it('prints JSON with --json, and honours --tolerance', async () => {
    const r = await runVigie(['eval', 'events', '--gt', gt, '--res', res, '--json', '--tolerance', '1']);
    expect(r.code, r.stderr).toBe(0);
    const scores = JSON.parse(r.stdout) as { toleranceS: number; perType: { type: string; tp: number }[] };
    expect(scores.toleranceS).toBe(1);
    // The open fire event starts 1.5 s after its annotation ends: outside a 1 s tolerance.
    expect(scores.perType.find((t) => t.type === 'fire')?.tp).toBe(0);
  });

  it('names the file, line and field of a bad input', async () => {
    const badEvents = write('bad.jsonl', `${event('fire', 1, 2)}\n{"type":"fire","start":"soon","end":null}\n`);
    const r1 = await runVigie(['eval', 'events', '--gt', gt, '--res', badEvents]);
    expect(r1.code).not.toBe(0);
    expect(r1.stderr).toMatch(/bad\.jsonl:2: start: /);
    const badGt = write('bad-gt.json', JSON.stringify([{ type: 'fire', start: 9, end: 3 }]));
    const r2 = await runVigie(['eval', 'events', '--gt', badGt, '--res', res]);
    expect(r2.stderr).toMatch(/bad-gt\.json: \[0\]\.end: end is before start/);
  });

  it('scores per rule and prints the confusion across types', async () => {
    const r = await runVigie(['eval', 'events', '--gt', gt, '--res', res]);
    expect(r.stdout).toMatch(/\nr\s+fire\s+1\s+1\s+1\s+0\s+0/);
    expect(r.stdout).toMatch(/event \\ annotation\s+gathering\s+fire\s+none\ngathering\s+1\s+0\s+1\n/);
    const json = JSON.parse((await runVigie(['eval', 'events', '--gt', gt, '--res', res, '--json'])).stdout) as { perRule: unknown[]; confusion: { labels: string[] } };
    expect(json.perRule).toHaveLength(2);
    expect(json.confusion.labels).toEqual(['gathering', 'fire', 'none']);
  });

  it('checks a sweep before running anything: the rule, the field, the values, pixels', async () => {
    const config = new URL('../fixtures/crowd-pets.yaml', import.meta.url).pathname;
    const hazard = new URL('../fixtures/hazard-rules.yaml', import.meta.url).pathname;
    const sweep = (cfg: string, rule: string, spec: string) => runVigie(['eval', 'events', '--gt', gt, '--video', 'absent.avi', '--config', cfg, '--rule', rule, '--sweep', spec]);
    expect((await sweep(config, 'attroupement', 'zone=1,2')).stderr).toMatch(/no numeric field "zone": sweep one of cooldown_s, min_duration_s, min_people/);
    expect((await sweep(config, 'attroupement', 'min_people=1,2')).stderr).toMatch(/min_people=1 is not valid/);
    expect((await sweep(config, 'nope', 'min_people=3')).stderr).toMatch(/no rule "nope" \(rules: attroupement, maraudage, mouvement-de-foule\)/);
    expect((await sweep(hazard, 'feu-pelouse', 'min_area=0.1,0.2')).stderr).toMatch(/feu-pelouse \(fire\) reads pixels.*cannot be swept/);
    const stray = await runVigie(['eval', 'events', '--gt', gt, '--res', res, '--rule', 'r']);
    expect(stray.code).not.toBe(0);
    expect(stray.stderr).toMatch(/--rule are only used with --sweep/);
  });
});
