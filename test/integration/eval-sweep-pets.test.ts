/**
 * `vigie eval events --sweep` on real footage, PETS09-S2L1, for the gathering
 * rule of the crowd fixture (detect fps 5, as rules-crowd-pets.test.ts), scored
 * against the gatherings committed from gt.txt (test/fixtures/annotations/pets09-crowd.json).
 *
 * The tracks are computed once, by a normal `vigie analyze --tracks-cache` run
 * (decode, detector, tracker, every rule of the camera). The sweep replays the
 * gathering rule alone over them; each end point of the curve must equal a
 * single run at that threshold: min_people 4 (the fixture's) against that full
 * analyze run, min_people 2 against `vigie analyze --tracks-cache` of a config
 * set to 2 (a cache hit: the rules replayed, detection not rerun).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventScores, MatchScore } from '../../src/eval/event-matching.js';
import type { SweepPoint } from '../../src/eval/sweep.js';
import { runVigie } from '../helpers/cli.js';
import { datasetFile } from '../helpers/datasets.js';

const video = datasetFile('pets09-s2l1/vtest.avi');
const fixture = new URL('../fixtures/crowd-pets.yaml', import.meta.url).pathname;
const annotations = new URL('../fixtures/annotations/pets09-crowd.json', import.meta.url).pathname;
const RULE = 'attroupement';

async function vigie(args: readonly string[]): Promise<string> {
  const r = await runVigie(args);
  if (r.code !== 0) throw new Error(`vigie ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** `vigie eval events` of an events file: the row of the gathering rule. */
async function scoreOfRule(events: string): Promise<MatchScore> {
  const scores = JSON.parse(await vigie(['eval', 'events', '--gt', annotations, '--res', events, '--json'])) as EventScores;
  const row = scores.perRule.find((r) => r.rule === RULE);
  if (!row) throw new Error(`no score for rule ${RULE} in ${JSON.stringify(scores.perRule)}`);
  return row;
}

const comparable = (s: MatchScore): Pick<MatchScore, 'events' | 'tp' | 'fp' | 'fn' | 'precision' | 'recall'> => ({
  events: s.events,
  tp: s.tp,
  fp: s.fp,
  fn: s.fn,
  precision: s.precision,
  recall: s.recall,
});

describe.skipIf(video.missing)('vigie eval events --sweep on PETS09-S2L1 (gathering, cached tracks)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-sweep-'));
  const cache = join(dir, 'cache');
  let fullRun: MatchScore;
  let curve: SweepPoint[] = [];
  let replayStderr = '';
  let replayScore: MatchScore;

  beforeAll(async () => {
    // The normal analysis, which also fills the cache.
    const fullEvents = join(dir, 'full.jsonl');
    await vigie(['analyze', video.path, '--config', fixture, '--tracks-cache', cache, '--out', fullEvents, '--json']);
    fullRun = await scoreOfRule(fullEvents);
    curve = JSON.parse(
      await vigie(['eval', 'events', '--gt', annotations, '--video', video.path, '--config', fixture, '--rule', RULE, '--sweep', 'min_people=2:4:1', '--tracks-cache', cache, '--json']),
    ) as SweepPoint[];
    // A single run at the other end point: the same camera with min_people 2, rules replayed from the cache.
    const atTwo = join(dir, 'min-people-2.yaml');
    const yaml = readFileSync(fixture, 'utf8');
    expect(yaml).toContain('min_people: 4');
    writeFileSync(atTwo, yaml.replace('min_people: 4', 'min_people: 2'));
    const replayEvents = join(dir, 'replay.jsonl');
    const r = await runVigie(['analyze', video.path, '--config', atTwo, '--tracks-cache', cache, '--out', replayEvents]);
    expect(r.code, r.stderr).toBe(0);
    replayStderr = r.stderr;
    replayScore = await scoreOfRule(replayEvents);
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('caches the tracks once, as one gzip file keyed by clip and settings, and replays from it', () => {
    expect(readdirSync(cache).filter((f) => f.endsWith('.tracks.jsonl.gz'))).toHaveLength(1);
    expect(replayStderr).toMatch(/tracks read from the cache .*detection not rerun/);
  });

  it('gives one point per value, each scored against the 3 annotated gatherings', () => {
    expect(curve.map((p) => p.value)).toEqual([2, 3, 4]);
    for (const p of curve) {
      expect(p.annotations).toBe(3);
      expect(p.tp + p.fn).toBe(3);
      expect(p.tp + p.fp).toBe(p.events);
    }
  });

  it('end point min_people 4 equals the full analyze run (detector, tracker, every rule)', () => {
    expect(comparable(curve.at(-1) as SweepPoint)).toEqual(comparable(fullRun));
    // The fixture's threshold finds the gatherings (rules-crowd-pets.test.ts measures the same).
    expect(fullRun.tp).toBeGreaterThanOrEqual(2);
  });

  it('end point min_people 2 equals vigie analyze of a config set to 2, replayed from the cache', () => {
    expect(comparable(curve[0] as SweepPoint)).toEqual(comparable(replayScore));
  });
});
