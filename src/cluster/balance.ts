/**
 * Which cameras a worker claims or gives up in one balancing round (docs/SCALE-OUT.md,
 * "Workers and leases"). Pure: every worker runs it on the state it just read from
 * the lease bucket, so workers that see the same state make the same plan and do
 * not race for the same camera; when their views differ, the loser's `create`
 * fails and nothing happens.
 *
 * - Free cameras (configured, enabled, no lease) go one at a time to the
 *   least-loaded live worker with room left (ties: the smaller id), as if the
 *   round were played out; a worker claims what falls to it.
 * - A worker holding more than its fair share (ceil(cameras / live workers)),
 *   while another live worker with room holds at least two fewer, releases one
 *   camera per round: newcomers get work without a stampede.
 * - A worker over its capacity releases one camera per round as well.
 * - A worker releases its leases of cameras that left the configuration.
 */

export interface WorkerLoad {
  readonly worker: string;
  /** Most cameras this worker runs; null when unlimited. */
  readonly capacity: number | null;
}

export interface BalanceInput {
  /** Enabled camera ids of the configuration in force. */
  readonly cameras: readonly string[];
  /** Current leases: camera id -> worker id (live or not: a dead worker's lease holds until it expires). */
  readonly leases: ReadonlyMap<string, string>;
  /** Live workers (their `worker.<id>` key is fresh), this one included. */
  readonly workers: readonly WorkerLoad[];
  readonly me: string;
}

export interface BalancePlan {
  readonly claim: readonly string[];
  readonly release: readonly string[];
}

export function planLeases(input: BalanceInput): BalancePlan {
  const configured = new Set(input.cameras);
  const mine = [...input.leases].filter(([, worker]) => worker === input.me).map(([camera]) => camera).sort();
  const gone = mine.filter((camera) => !configured.has(camera));
  const kept = mine.filter((camera) => configured.has(camera));

  const workers = input.workers.some((w) => w.worker === input.me) ? input.workers : [...input.workers, { worker: input.me, capacity: null }];
  const room = (w: WorkerLoad, load: number): boolean => w.capacity === null || load < w.capacity;
  const load = new Map(workers.map((w) => [w.worker, 0]));
  for (const [camera, worker] of input.leases) {
    if (configured.has(camera) && load.has(worker)) load.set(worker, (load.get(worker) ?? 0) + 1);
  }
  const myLoad = load.get(input.me) ?? 0;
  const myCapacity = workers.find((w) => w.worker === input.me)?.capacity ?? null;

  // Over capacity (restarted with a smaller --capacity): shed one per round.
  if (myCapacity !== null && myLoad > myCapacity) return { claim: [], release: [...gone, ...lastOf(kept)] };

  const fairShare = Math.ceil(input.cameras.length / workers.length);
  const underloaded = workers.some((w) => w.worker !== input.me && room(w, load.get(w.worker) ?? 0) && (load.get(w.worker) ?? 0) <= myLoad - 2);
  if (myLoad > fairShare && underloaded) return { claim: [], release: [...gone, ...lastOf(kept)] };

  // Play the round out: each free camera to the least-loaded live worker with room.
  const free = input.cameras.filter((camera) => !input.leases.has(camera)).sort();
  const simulated = new Map(load);
  const claim: string[] = [];
  for (const camera of free) {
    let best: WorkerLoad | null = null;
    for (const w of workers) {
      const n = simulated.get(w.worker) ?? 0;
      if (!room(w, n)) continue;
      const bestLoad = best ? (simulated.get(best.worker) ?? 0) : Infinity;
      if (n < bestLoad || (n === bestLoad && best !== null && w.worker < best.worker)) best = w;
    }
    if (!best) break; // every live worker is full
    simulated.set(best.worker, (simulated.get(best.worker) ?? 0) + 1);
    if (best.worker === input.me) claim.push(camera);
  }
  return { claim, release: gone };
}

/** The camera given up when shedding: the last by id, so the choice is stable from round to round. */
function lastOf(cameras: readonly string[]): string[] {
  const last = cameras[cameras.length - 1];
  return last === undefined ? [] : [last];
}
