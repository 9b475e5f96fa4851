/**
 * `npm run bench:scale-out`: the scale-out event path under load. Publishers (the
 * workers' publishing code, one NATS connection each, as separate workers would
 * have) send event changes at a steady rate -> JetStream (a private nats-server,
 * file storage) -> one API node (`vigie start --role api`, its own process) ->
 * PostgreSQL -> the node's WebSocket -> a console in this process. End-to-end
 * latency = console receive time - the change's emittedAtMs (same clock).
 *
 *   npm run bench:scale-out -- --rate 1000 --seconds 60          # the documented run
 *   npm run bench:scale-out -- --rate 1000 --seconds 60 --max    # then raise the rate until it no longer holds
 *   npm run bench:scale-out -- ... --write                        # replace the scale-out section of docs/BENCHMARKS.md
 *
 * Needs nats-server (NATS_SERVER_BIN) and PostgreSQL (VIGIE_TEST_PG, default
 * postgres://postgres@127.0.0.1:5432/test; a schema is made for the run and dropped).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createEventPublisher, ensureEventStream, EVENT_STREAM } from '../src/bus/nats/index.js';
import type { EventMessage, EventPublisher } from '../src/bus/types.js';
import { login, openLiveClient } from '../src/loadtest/live-client.js';
import { summarise, type Distribution } from '../src/loadtest/percentiles.js';
import { sampleEvent } from '../test/helpers/bus-messages.js';
import { startPrivateNats } from '../test/helpers/bus-nats-server.js';
import { createOperator, createTestSchema, OPERATOR, startApiNodeProcess, tempDir } from '../test/helpers/cluster-api-nodes.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    publishers: { type: 'string', default: '4' },
    max: { type: 'boolean', default: false },
    'step-seconds': { type: 'string', default: '20' },
    write: { type: 'boolean', default: false },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const publisherCount = Number(args.publishers);
const stepSeconds = Number(args['step-seconds']);
for (const [name, v] of Object.entries({ rate, seconds, publishers: publisherCount, 'step-seconds': stepSeconds })) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
}
/** A run holds when p99 stays under this and the backlog does not grow. */
const P99_LIMIT_MS = 1000;
const TICK_MS = 10;

interface RunResult {
  readonly targetRate: number;
  readonly seconds: number;
  readonly published: number;
  readonly received: number;
  readonly achievedRate: number;
  readonly latency: Distribution | null;
  /** Changes published but not yet shown at the end of the publishing, in seconds of the target rate. */
  readonly backlogS: number;
  readonly holds: boolean;
}

const db = await createTestSchema('bench_scale_out');
const nats = await startPrivateNats();
const dataDir = tempDir('vigie-bench-api-');
const node = await startApiNodeProcess({ nats: nats.url, db: db.url, nodeId: 'bench', dataDir: dataDir.path });
const connections: NatsConnection[] = [];
try {
  for (let i = 0; i < publisherCount; i++) connections.push(await connectNats(nats.url, `bench-worker-${i}`));
  await ensureEventStream(connections[0] as NatsConnection);
  const publishers: EventPublisher[] = connections.map((nc) => createEventPublisher(nc));
  await createOperator(node.url);
  const cookie = await login(node.url, OPERATOR.username, OPERATOR.password);
  const emitted = new Map<string, number>();
  let latencies: number[] = [];
  let received = 0;
  const client = await openLiveClient(node.url, cookie, (message, at) => {
    if (message.type !== 'event') return;
    const key = `${message.item.event.id}:${message.change}`;
    const sent = emitted.get(key);
    if (sent === undefined) return;
    emitted.delete(key);
    received++;
    latencies.push(at - sent);
  });

  /** After a run that did not hold, drop its backlog (purge the stream) so the next run starts clean. */
  const waitForQuiet = async (): Promise<void> => {
    const jsm = await jetstreamManager(connections[0] as NatsConnection);
    await jsm.streams.purge(EVENT_STREAM);
    await new Promise((r) => setTimeout(r, 3000)); // the node finishes the batches it holds
    emitted.clear();
  };
  let serial = 0;
  /** One run at `target` changes/s for `runSeconds`: events opened then closed, spread over the publishers (one camera each). */
  const run = async (target: number, runSeconds: number): Promise<RunResult> => {
    latencies = [];
    received = 0;
    const started = Date.now();
    let published = 0;
    const acks: Promise<void>[] = [];
    const open = new Map<number, EventMessage>();
    while (Date.now() - started < runSeconds * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * target) - published;
      for (let k = 0; k < due; k++) {
        const p = published % publisherCount;
        const previous = open.get(p);
        let message: EventMessage;
        if (previous) {
          message = { ...previous, change: 'closed', event: { ...previous.event, end: previous.event.start + 5 }, seq: 2, emittedAtMs: Date.now() };
          open.delete(p);
        } else {
          const event = sampleEvent(`bench-${serial++}`, `cam-${p}`);
          message = { change: 'opened', event, lease: { camera: event.camera, worker: `bench-worker-${p}`, epoch: 1 }, emittedAtMs: Date.now(), seq: 1 };
          open.set(p, message);
        }
        emitted.set(`${message.event.id}:${message.change}`, message.emittedAtMs);
        acks.push((publishers[p] as EventPublisher).publish(message));
        published++;
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const elapsed = (Date.now() - started) / 1000;
    const backlog = published - received;
    await Promise.all(acks);
    // Let the last changes through (they count in the latency, not in the achieved rate).
    const drainUntil = Date.now() + 30_000;
    while (received < published && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 100));
    const latency = summarise(latencies);
    const backlogS = backlog / target;
    return {
      targetRate: target,
      seconds: runSeconds,
      published,
      received,
      achievedRate: Math.round((published - backlog) / elapsed),
      latency,
      backlogS,
      holds: received === published && latency !== null && latency.p99 <= P99_LIMIT_MS && backlogS < 1,
    };
  };

  const results: RunResult[] = [];
  const line = (r: RunResult): string =>
    `${r.targetRate}/s for ${r.seconds} s: achieved ${r.achievedRate}/s, shown ${r.received}/${r.published}, latency p50 ${r.latency?.p50 ?? '-'} ms p95 ${r.latency?.p95 ?? '-'} ms p99 ${r.latency?.p99 ?? '-'} ms max ${r.latency?.max ?? '-'} ms, backlog at the end ${r.backlogS.toFixed(2)} s -> ${r.holds ? 'holds' : 'does NOT hold'}`;
  const main = await run(rate, seconds);
  results.push(main);
  console.log(line(main));
  let sustained: number | null = main.holds ? rate : null;
  // The sustained maximum: from the target, up by 1.5x while runs hold, or down by 1.5x until one holds.
  if (args.max && main.holds) {
    for (let target = Math.round(rate * 1.5); ; target = Math.round(target * 1.5)) {
      const r = await run(target, stepSeconds);
      results.push(r);
      console.log(line(r));
      if (!r.holds) break;
      sustained = target;
    }
  } else if (args.max) {
    for (let target = Math.round(rate / 1.5); target >= 10 && sustained === null; target = Math.round(target / 1.5)) {
      await waitForQuiet();
      const r = await run(target, stepSeconds);
      results.push(r);
      console.log(line(r));
      if (r.holds) sustained = target;
    }
  }
  const jsm = await jetstreamManager(connections[0] as NatsConnection);
  const stream = await jsm.streams.info(EVENT_STREAM);
  console.log(`stream: ${stream.state.messages} messages, ${(stream.state.bytes / 1e6).toFixed(1)} MB; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`);

  if (args.write) {
    const body = markdown(results, sustained);
    const path = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
    writeFileSync(path, replaceSection(readFileSync(path, 'utf8'), body));
    console.log(`docs/BENCHMARKS.md updated`);
  }
  await client.close();
  for (const p of publishers) await p.close(5000);
} finally {
  for (const nc of connections) await nc.close();
  await node.kill('SIGTERM');
  await nats.dispose();
  await db.drop();
  dataDir.remove();
}

function markdown(results: readonly RunResult[], sustained: number | null): string {
  const rows = results.map(
    (r) => `| ${r.targetRate} | ${r.seconds} | ${r.achievedRate} | ${r.received}/${r.published} | ${r.latency?.p50 ?? '-'} | ${r.latency?.p95 ?? '-'} | ${r.latency?.p99 ?? '-'} | ${r.latency?.max ?? '-'} | ${r.backlogS.toFixed(2)} | ${r.holds ? 'yes' : 'no'} |`,
  );
  const args = `--rate ${rate} --seconds ${seconds}${results.length > 1 ? ` --max --step-seconds ${stepSeconds}` : ''} --publishers ${publisherCount}`;
  return [
    `\`npm run bench:scale-out -- ${args}\`, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average at the end ${loadavg()[0]?.toFixed(2)}: ${publisherCount} publishers (workers' code) in the bench process -> nats-server (file storage) -> one API node process -> PostgreSQL -> its WebSocket -> a console in the bench process. Latency: console receive time minus the change's emittedAtMs (ms). A run holds when every change is shown, p99 <= ${P99_LIMIT_MS} ms and the backlog at the end of the publishing is under 1 s.`,
    '',
    '| target changes/s | s | achieved/s | shown | p50 | p95 | p99 | max | backlog (s) | holds |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    sustained === null ? `Sustained maximum: not found${results.length > 1 ? '' : ' (run with --max to search it)'}.` : `Sustained maximum${results.length > 1 ? '' : ' (not searched above the target)'}: ${sustained} changes/s.`,
  ].join('\n');
}

function replaceSection(doc: string, body: string): string {
  const BEGIN = '<!-- scale-out:begin -->';
  const END = '<!-- scale-out:end -->';
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  const block = `${BEGIN}\n${body}\n${END}`;
  if (begin === -1 || end === -1 || end < begin) return `${doc.trimEnd()}\n\n## Scale-out event path (\`npm run bench:scale-out\`)\n\n${block}\n`;
  return `${doc.slice(0, begin)}${block}${doc.slice(end + END.length)}`;
}
