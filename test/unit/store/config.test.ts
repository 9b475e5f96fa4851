import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigYaml } from '../../../src/config/load.js';
import { StoreError } from '../../../src/store/index.js';
import { STORE_ENGINES, storePerTest } from './helpers.js';

const V1 = parseConfigYaml(`
cameras:
  - id: parvis-nord
    name: Parvis nord
    source: rtsp://user:pass@10.0.0.5/stream1
    masks: [ [[0,0],[0.2,0],[0.2,0.3],[0,0.3]] ]
    zones:
      - id: voie-1
        polygon: [[0.1,0.0],[0.9,0.0],[0.9,1.0],[0.1,1.0]]
        direction: [0, 1]
      - id: quai
        polygon: [[0,0],[1,0],[1,0.2]]
    lines:
      - id: entree
        points: [[0.2,0.5],[0.8,0.5]]
    rules:
      - { id: r1, type: intrusion, zone: quai, classes: [person], min_duration_s: 1 }
      - { id: r2, type: wrong_way, zone: voie-1 }
      - { id: r3, type: line_crossing, line: entree, direction: a_to_b }
  - id: gare
    source: /videos/gare.mp4
    loop: true
    rules: []
`);

const V2 = parseConfigYaml(`
cameras:
  - id: gare
    source: /videos/gare.mp4
    zones:
      - id: hall
        polygon: [[0,0],[1,0],[1,1]]
    rules:
      - { id: r9, type: intrusion, zone: hall, enabled: false }
`);

describe.each(STORE_ENGINES)('%s', (engine) => {
  const t = storePerTest(engine);

  describe('config repository', () => {
    it('has no current config before the first save', async () => {
      expect(await t.repos.config.current()).toBeNull();
      expect(await t.repos.config.cameras()).toEqual([]);
      expect(await t.repos.config.history()).toEqual([]);
    });

    it('saves version 1 with derived rows matching the document', async () => {
      const admin = await t.repos.users.create({ username: 'admin', displayName: 'Admin', role: 'admin', passwordHash: 'h' });
      const version = await t.repos.config.save(V1, { userId: admin.id, comment: 'first' });
      expect(version).toBe(1);

      const current = await t.repos.config.current();
      expect(current).toEqual({ version: 1, createdAt: '2026-03-01T10:00:00.000Z', createdBy: admin.id, comment: 'first', config: V1 });

      const cameras = await t.repos.config.cameras();
      expect(cameras).toEqual([
        { id: 'parvis-nord', name: 'Parvis nord', enabled: true, source: 'rtsp://user:pass@10.0.0.5/stream1', loop: false, detect: V1.cameras[0]!.detect, configVersion: 1 },
        { id: 'gare', name: null, enabled: true, source: '/videos/gare.mp4', loop: true, detect: V1.cameras[1]!.detect, configVersion: 1 },
      ]);
      expect(await t.repos.config.zones()).toEqual([
        { cameraId: 'parvis-nord', id: 'voie-1', name: null, polygon: [[0.1, 0], [0.9, 0], [0.9, 1], [0.1, 1]], direction: [0, 1], configVersion: 1 },
        { cameraId: 'parvis-nord', id: 'quai', name: null, polygon: [[0, 0], [1, 0], [1, 0.2]], direction: null, configVersion: 1 },
      ]);
      expect(await t.repos.config.lines({ camera: 'parvis-nord' })).toEqual([
        { cameraId: 'parvis-nord', id: 'entree', name: null, points: [[0.2, 0.5], [0.8, 0.5]], configVersion: 1 },
      ]);
      expect(await t.repos.config.masks()).toEqual([
        { cameraId: 'parvis-nord', index: 0, polygon: [[0, 0], [0.2, 0], [0.2, 0.3], [0, 0.3]], configVersion: 1 },
      ]);
      const rules = await t.repos.config.rules();
      expect(rules.map((r) => [r.cameraId, r.id, r.type, r.severity, r.zone, r.line, r.enabled])).toEqual([
        ['parvis-nord', 'r1', 'intrusion', 'high', 'quai', null, true],
        ['parvis-nord', 'r2', 'wrong_way', 'high', 'voie-1', null, true],
        ['parvis-nord', 'r3', 'line_crossing', 'low', null, 'entree', true],
      ]);
      expect(rules.map((r) => r.rule)).toEqual(V1.cameras[0]!.rules);
      expect((await t.repos.config.rules({ type: 'wrong_way' })).map((r) => r.id)).toEqual(['r2']);
      expect((await t.repos.config.rules({ zone: 'quai' })).map((r) => r.id)).toEqual(['r1']);
      expect(await t.repos.config.zones({ camera: 'gare' })).toEqual([]);
    });

    it('a new version rewrites the derived rows; history and old versions stay', async () => {
      await t.repos.config.save(V1, { userId: null, comment: 'imported from vigie.yaml' });
      t.clock.advance(60_000);
      expect(await t.repos.config.save(V2, { userId: null })).toBe(2);

      expect((await t.repos.config.current())?.config).toEqual(V2);
      expect((await t.repos.config.cameras()).map((c) => [c.id, c.configVersion])).toEqual([['gare', 2]]);
      expect((await t.repos.config.zones()).map((z) => z.id)).toEqual(['hall']);
      expect(await t.repos.config.lines()).toEqual([]);
      expect(await t.repos.config.masks()).toEqual([]);
      expect((await t.repos.config.rules()).map((r) => [r.id, r.enabled])).toEqual([['r9', false]]);

      expect(await t.repos.config.history()).toEqual([
        { version: 2, createdAt: '2026-03-01T10:01:00.000Z', createdBy: null, comment: null },
        { version: 1, createdAt: '2026-03-01T10:00:00.000Z', createdBy: null, comment: 'imported from vigie.yaml' },
      ]);
      expect((await t.repos.config.history(1)).map((h) => h.version)).toEqual([2]);
      expect((await t.repos.config.get(1))?.config).toEqual(V1);
      expect(await t.repos.config.get(3)).toBeNull();
    });

    it('rejects an invalid config with ConfigError and saves nothing', async () => {
      const bad = { cameras: [{ id: 'Bad Id', source: 'x' }] } as unknown as typeof V1;
      await expect(t.repos.config.save(bad, { userId: null })).rejects.toBeInstanceOf(ConfigError);
      expect(await t.repos.config.current()).toBeNull();
    });

    it('an unknown user fails the save as a whole: no version, derived rows untouched', async () => {
      await t.repos.config.save(V1, { userId: null });
      await expect(t.repos.config.save(V2, { userId: 'nobody' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await t.repos.config.current())?.version).toBe(1);
      expect((await t.repos.config.cameras()).map((c) => c.id)).toEqual(['parvis-nord', 'gare']);
    });

    it('reports a corrupted stored version as CORRUPT, naming the version', async () => {
      await t.repos.config.save(V1, { userId: null });
      await sql`update config_versions set document = ${JSON.stringify({ cameras: [{ id: 'x' }] })} where version = 1`.execute(t.store.db);
      const err: unknown = await t.repos.config.current().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('CORRUPT');
      expect((err as StoreError).message).toContain('config version 1');
      expect((err as StoreError).message).toContain('cameras[0].source');

      await sql`update config_versions set document = ${'{not json'} where version = 1`.execute(t.store.db);
      await expect(t.repos.config.get(1)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('config version 1') as unknown });
    });
  });
});
