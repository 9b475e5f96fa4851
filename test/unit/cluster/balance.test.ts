import { describe, expect, it } from 'vitest';
import { planLeases, type BalanceInput, type WorkerLoad } from '../../../src/cluster/balance.js';

const cams = (n: number): string[] => Array.from({ length: n }, (_, i) => `cam${i + 1}`);
const workers = (...ids: string[]): WorkerLoad[] => ids.map((worker) => ({ worker, capacity: null }));

/** Plays rounds with every worker planning on the same state, as when their polls line up. */
function settle(input: Omit<BalanceInput, 'me'>, rounds = 10): Map<string, string> {
  const leases = new Map(input.leases);
  for (let round = 0; round < rounds; round++) {
    const plans = input.workers.map((w) => ({ w: w.worker, plan: planLeases({ ...input, leases, me: w.worker }) }));
    for (const { plan } of plans) for (const camera of plan.release) leases.delete(camera);
    for (const { w, plan } of plans) {
      for (const camera of plan.claim) {
        expect(leases.has(camera), `${w} claims ${camera}, already held`).toBe(false);
        leases.set(camera, w);
      }
    }
  }
  return leases;
}
const loads = (leases: Map<string, string>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const w of leases.values()) out[w] = (out[w] ?? 0) + 1;
  return out;
};

describe('planLeases', () => {
  it('fresh start: free cameras are shared out without two workers claiming the same one', () => {
    const w = workers('w1', 'w2', 'w3');
    const plans = w.map((x) => planLeases({ cameras: cams(6), leases: new Map(), workers: w, me: x.worker }));
    expect(plans.map((p) => p.claim)).toEqual([
      ['cam1', 'cam4'],
      ['cam2', 'cam5'],
      ['cam3', 'cam6'],
    ]);
    expect(plans.every((p) => p.release.length === 0)).toBe(true);
  });

  it('a worker that dies: its cameras go to the least-loaded survivors once its leases expired', () => {
    const before = new Map([['cam1', 'w1'], ['cam2', 'w1'], ['cam3', 'w2'], ['cam4', 'w2'], ['cam5', 'w3'], ['cam6', 'w3']]);
    // w3 is gone from the live workers, but its leases hold until they expire: nothing to claim yet.
    const survivors = workers('w1', 'w2');
    expect(planLeases({ cameras: cams(6), leases: before, workers: survivors, me: 'w1' }).claim).toEqual([]);
    const expired = new Map([...before].filter(([, w]) => w !== 'w3'));
    const after = settle({ cameras: cams(6), leases: expired, workers: survivors }, 1);
    expect(loads(after)).toEqual({ w1: 3, w2: 3 });
  });

  it('the least-loaded worker takes the free camera, not the others', () => {
    const leases = new Map([['cam1', 'w1'], ['cam2', 'w1'], ['cam3', 'w2']]);
    const input = { cameras: cams(4), leases, workers: workers('w1', 'w2') };
    expect(planLeases({ ...input, me: 'w1' }).claim).toEqual([]);
    expect(planLeases({ ...input, me: 'w2' }).claim).toEqual(['cam4']);
  });

  it('a worker that joins gets work: busier workers release one camera per round above their fair share', () => {
    const leases = new Map(cams(6).map((c, i) => [c, i < 3 ? 'w1' : 'w2'] as const));
    const w = workers('w1', 'w2', 'w3');
    const first = planLeases({ cameras: cams(6), leases, workers: w, me: 'w1' });
    expect(first).toEqual({ claim: [], release: ['cam3'] });
    expect(planLeases({ cameras: cams(6), leases, workers: w, me: 'w3' }).claim).toEqual([]);
    expect(loads(settle({ cameras: cams(6), leases, workers: w }))).toEqual({ w1: 2, w2: 2, w3: 2 });
  });

  it('a balanced cluster does not churn', () => {
    const leases = new Map(cams(7).map((c, i) => [c, `w${(i % 3) + 1}`] as const));
    for (const me of ['w1', 'w2', 'w3']) expect(planLeases({ cameras: cams(7), leases, workers: workers('w1', 'w2', 'w3'), me })).toEqual({ claim: [], release: [] });
  });

  it('respects capacity: a full worker claims nothing and the others take the rest', () => {
    const w: WorkerLoad[] = [{ worker: 'w1', capacity: 1 }, { worker: 'w2', capacity: null }];
    const after = settle({ cameras: cams(5), leases: new Map(), workers: w });
    expect(loads(after)).toEqual({ w1: 1, w2: 4 });
    // w2 is above its fair share, but w1 has no room: nothing moves.
    expect(planLeases({ cameras: cams(5), leases: after, workers: w, me: 'w2' }).release).toEqual([]);
  });

  it('leaves cameras free when every live worker is full', () => {
    const w: WorkerLoad[] = [{ worker: 'w1', capacity: 2 }];
    expect(planLeases({ cameras: cams(4), leases: new Map(), workers: w, me: 'w1' }).claim).toEqual(['cam1', 'cam2']);
  });

  it('a worker over its capacity sheds one camera per round', () => {
    const leases = new Map(cams(3).map((c) => [c, 'w1'] as const));
    expect(planLeases({ cameras: cams(3), leases, workers: [{ worker: 'w1', capacity: 1 }], me: 'w1' })).toEqual({ claim: [], release: ['cam3'] });
  });

  it('ties go to the smaller worker id, the same way on every worker', () => {
    const leases = new Map([['cam1', 'w2'], ['cam2', 'wa']]);
    const input = { cameras: cams(3), leases, workers: workers('wa', 'w2') };
    expect(planLeases({ ...input, me: 'w2' }).claim).toEqual(['cam3']);
    expect(planLeases({ ...input, me: 'wa' }).claim).toEqual([]);
  });

  it('releases its leases of cameras no longer configured', () => {
    const leases = new Map([['cam1', 'w1'], ['old', 'w1']]);
    expect(planLeases({ cameras: ['cam1'], leases, workers: workers('w1'), me: 'w1' })).toEqual({ claim: [], release: ['old'] });
  });

  it('counts itself as live even before its registration is seen', () => {
    expect(planLeases({ cameras: cams(2), leases: new Map(), workers: [], me: 'w1' }).claim).toEqual(['cam1', 'cam2']);
  });
});
