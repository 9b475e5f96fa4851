import { hostname } from 'node:os';
import type { WorkerCliOptions } from '../main.js';
import { UserError } from '../errors.js';
import { startWorker, type RunningWorker } from '../../cluster/worker.js';

/** A worker id is a key token of the lease bucket. */
const WORKER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Unique per process by default: a restarted worker must not be mistaken for the one that died. */
function defaultWorkerId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 48) || 'worker';
  return `${host}-${process.pid}`;
}

/** Stops on Ctrl-C or SIGTERM: cameras, publisher drained, leases released (others take over at once). */
function stopOnSignal(worker: RunningWorker, print: (line: string) => void): Promise<void> {
  return new Promise((resolveStopped) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      print('stopping: releasing the cameras...');
      void worker.close().then(resolveStopped, (err: unknown) => {
        print(`stopped with an error: ${String(err)}`);
        resolveStopped();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `vigie worker`: runs the pipelines of the cameras it leases (docs/SCALE-OUT.md). */
export async function runWorker(opts: WorkerCliOptions): Promise<void> {
  const print = (line: string): void => void process.stderr.write(`${line}\n`);
  const workerId = opts.workerId ?? defaultWorkerId();
  if (!WORKER_ID.test(workerId)) throw new UserError(`--worker-id "${workerId}": use letters, digits, - and _ only (at most 64)`);
  let worker: RunningWorker;
  try {
    worker = await startWorker({
      natsUrl: opts.nats,
      dbUrl: opts.db,
      dataDir: opts.data,
      workerId,
      capacity: opts.capacity ?? null,
      leaseTtlMs: Math.round(opts.leaseTtl * 1000),
      print,
    });
  } catch (err) {
    // Messages of the bus and the lease bucket are written for the operator.
    if (err instanceof Error && (err.name === 'BusError' || err.name === 'LeaseBucketError')) throw new UserError(err.message);
    throw err;
  }
  await stopOnSignal(worker, print);
}
