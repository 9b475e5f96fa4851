import { describe, expect, it } from 'vitest';
import { vigieEventSchema } from '../../../src/contracts/event-schema.js';
import { createEventLifecycle, MAX_EVENT_TRACK_IDS } from '../../../src/events/lifecycle.js';
import type { ActiveSignal, RuleMeta } from '../../../src/rules/types.js';

const GATHERING: RuleMeta = { id: 'g', type: 'gathering', severity: 'medium', cooldownS: 0, mode: 'active' };
const SHADOW_FIRE: RuleMeta = { id: 'f', type: 'fire', severity: 'high', cooldownS: 0, mode: 'shadow' };

const group = (meta: RuleMeta, tSec: number, trackIds: readonly number[] | undefined): ActiveSignal => ({
  kind: 'situation.active',
  ruleId: meta.id,
  type: meta.type,
  trackId: 0,
  ...(trackIds ? { trackIds } : {}),
  tSec,
  cls: 'person',
  box: [0.1, 0.1, 0.2, 0.2],
  score: 0.8,
  details: {},
});

describe('event lifecycle with group and pixel situations', () => {
  it('lists every track a group situation involved, each once, not the situation key', () => {
    const life = createEventLifecycle({ camera: 'c', rules: [GATHERING], baseWallMs: 0, updateIntervalS: 0 });
    life.ingest([group(GATHERING, 1, [3, 4, 5])], 1);
    const changes = life.ingest([group(GATHERING, 2, [4, 5, 9])], 2);
    expect(changes.at(-1)?.event.track_ids).toEqual([3, 4, 5, 9]);
  });

  it('caps the track list of a very large group', () => {
    const life = createEventLifecycle({ camera: 'c', rules: [GATHERING], baseWallMs: 0, updateIntervalS: 0 });
    const many = Array.from({ length: 200 }, (_, i) => i + 1);
    const changes = life.ingest([group(GATHERING, 1, many)], 1);
    expect(changes[0]?.event.track_ids).toHaveLength(MAX_EVENT_TRACK_IDS);
  });

  it('gives a pixel situation (no track) an empty track list', () => {
    const life = createEventLifecycle({ camera: 'c', rules: [SHADOW_FIRE], baseWallMs: 0 });
    const [opened] = life.ingest([group(SHADOW_FIRE, 1, [])], 1);
    expect(opened?.event.track_ids).toEqual([]);
  });

  it('marks events of a shadow rule with details.shadow, within the event contract', () => {
    const life = createEventLifecycle({ camera: 'c', rules: [SHADOW_FIRE, GATHERING], baseWallMs: 0 });
    const changes = life.ingest([group(SHADOW_FIRE, 1, []), group(GATHERING, 1, [1])], 1);
    const fire = changes.find((c) => c.event.rule === 'f')?.event;
    const gathering = changes.find((c) => c.event.rule === 'g')?.event;
    expect(fire?.details.shadow).toBe(true);
    expect(gathering?.details).not.toHaveProperty('shadow');
    expect(vigieEventSchema.safeParse(fire).success).toBe(true);
  });
});
