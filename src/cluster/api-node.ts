/**
 * The API role (`vigie start --role api`, docs/SCALE-OUT.md): no cameras here.
 * Event changes come from the JetStream stream (the workers publish them), are
 * stored in the shared database, then pushed to this node's consoles; camera
 * health comes from the workers' notices; a configuration saved here is announced
 * to the workers. The runtime plugs `cameras` in where a single box has its own.
 */
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createEventConsumer, ensureEventStream, notifyConfigChanged, onConfigChanged, subscribeHealth, watchLeases, type EventStreamOptions } from '../bus/nats/index.js';
import type { EventMessage } from '../bus/types.js';
import type { VigieConfig } from '../config/schema.js';
import type { IntegrationSink } from '../integrations/types.js';
import type { CameraHealth } from '../pipeline/health.js';
import type { LiveHub } from '../server/live-hub.js';
import type { Repositories } from '../store/index.js';
import { createRemoteCameras, type RemoteCameras } from './api-node-cameras.js';
import { createIntegrationIntake, createLiveIntake, type IntakeCounters } from './api-node-intake.js';

/** The shared durable of the integrations: one node handles each change. */
export const INTEGRATIONS_DURABLE = 'vigie-integrations';
const SWEEP_INTERVAL_MS = 2000;

export interface ApiNodeOptions {
  readonly natsUrl: string;
  /** Names this node's durable consumer (`api-<id>`): keep it stable so a restarted node resumes where it stopped. */
  readonly nodeId: string;
  readonly repos: Repositories;
  readonly live: LiveHub;
  readonly config: VigieConfig;
  readonly integrations?: IntegrationSink;
  /** Stream settings (tests use their own stream). */
  readonly stream?: EventStreamOptions;
  /** KV bucket of the camera leases; default vigie_leases. */
  readonly leaseBucket?: string;
  readonly ackWaitMs?: number;
  readonly onChange?: (message: EventMessage) => void;
  readonly onHealth?: (health: CameraHealth) => void;
  /** A configuration saved through another node was loaded here (integrations follow it). */
  readonly onConfigReloaded?: (config: VigieConfig) => Promise<void>;
  readonly print: (line: string) => void;
}

export interface ApiNode {
  readonly cameras: RemoteCameras;
  readonly nats: NatsConnection;
  /** The live intake's counters (metrics). */
  counters(): Readonly<IntakeCounters>;
  close(): Promise<void>;
}

/** Default node id: stable across restarts of the same service on the same host. */
export function defaultNodeId(port: number): string {
  return `${hostname()}-${port}`;
}

/** A durable name may not contain `.`, `*`, `>` nor whitespace. */
export function durableName(nodeId: string): string {
  return `api-${nodeId.replace(/[.*>\s]/g, '_')}`;
}

export async function startApiNode(options: ApiNodeOptions): Promise<ApiNode> {
  const nc = await connectNats(options.natsUrl, `vigie-api-${options.nodeId}`, { onLog: options.print });
  try {
    await ensureEventStream(nc, options.stream);
  } catch (err) {
    await nc.close();
    throw err;
  }
  const leases = watchLeases(nc, { ...(options.leaseBucket ? { bucket: options.leaseBucket } : {}) });
  const cameras = createRemoteCameras({
    config: options.config,
    push: (health) => {
      options.live.broadcast({ type: 'health', health });
      options.onHealth?.(health);
      options.integrations?.onHealth(health);
    },
    configSaved: async () => {
      const version = (await options.repos.config.current())?.version;
      if (version !== undefined) notifyConfigChanged(nc, version);
    },
  });
  const healthSub = subscribeHealth(nc, (m) => cameras.onHealth(m));
  // A configuration saved through another node (workers reload on the same notice).
  const configSub = onConfigChanged(nc, () => {
    options.repos.config
      .current()
      .then(async (current) => {
        if (!current) return;
        cameras.reload(current.config);
        await options.onConfigReloaded?.(current.config);
      })
      .catch((err: unknown) => options.print(`configuration could not be reloaded: ${String(err)}`));
  });
  const sweep = setInterval(() => cameras.sweep(), SWEEP_INTERVAL_MS);
  sweep.unref();

  const deps = { events: options.repos.events, isFenced: leases.isFenced, print: options.print };
  const live = createLiveIntake({ ...deps, live: options.live, ...(options.onChange ? { onChange: options.onChange } : {}) });
  const consumerOptions = { ...(options.stream ? { stream: options.stream } : {}), ...(options.ackWaitMs ? { ackWaitMs: options.ackWaitMs } : {}), onLog: options.print };
  const liveConsumer = createEventConsumer(nc, { ...consumerOptions, durable: durableName(options.nodeId) });
  liveConsumer.start(live.handle);
  const sink = options.integrations;
  const integrationConsumer = sink ? createEventConsumer(nc, { ...consumerOptions, durable: INTEGRATIONS_DURABLE }) : null;
  if (sink) integrationConsumer?.start(createIntegrationIntake({ ...deps, sink }).handle);

  return {
    cameras,
    nats: nc,
    counters: () => ({ ...live.counters }),
    async close() {
      clearInterval(sweep);
      healthSub.unsubscribe();
      configSub.unsubscribe();
      await Promise.all([liveConsumer.stop(), integrationConsumer?.stop(), leases.stop()]);
      await nc.drain().catch(() => nc.close());
    },
  };
}
