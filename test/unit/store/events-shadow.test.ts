import { beforeEach, describe, expect, it } from 'vitest';
import { makeEvent, STORE_ENGINES, storePerTest } from './helpers.js';

describe.each(STORE_ENGINES)('%s', (engine) => {
  const t = storePerTest(engine);

  describe('event repository: shadow events', () => {
    beforeEach(async () => {
      await t.repos.events.upsert(makeEvent({ id: 'live-1', type: 'gathering', rule: 'g' }));
      await t.repos.events.upsert(makeEvent({ id: 'shadow-1', type: 'fire', rule: 'f', details: { shadow: true, area: 0.01 } }));
    });

    it('leaves events of shadow rules out of the default list (the operators\' queue)', async () => {
      const page = await t.repos.events.list();
      expect(page.items.map((i) => i.event.id)).toEqual(['live-1']);
      expect(page.total).toBe(1);
    });

    it('lists them on request, alone or with the others, and keeps them intact', async () => {
      expect((await t.repos.events.list({ shadow: 'only' })).items.map((i) => i.event.id)).toEqual(['shadow-1']);
      expect((await t.repos.events.list({ shadow: 'include' })).total).toBe(2);
      expect((await t.repos.events.get('shadow-1'))?.event.details).toEqual({ shadow: true, area: 0.01 });
    });
  });
});
