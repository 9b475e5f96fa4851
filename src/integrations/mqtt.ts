import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { CameraHealth } from '../pipeline/health.js';
import type { StoredEvent } from '../store/event-codec.js';
import type { EventChangeKind, MqttConfig } from './config.js';
import { eventPayload } from './payload.js';

/** The broker link as the console shows it. */
export interface MqttState {
  /** The broker URL without credentials. */
  readonly url: string;
  readonly connected: boolean;
  /** Messages waiting for the broker to come back. */
  readonly queued: number;
  /** Messages dropped since start because the queue was full (oldest first). */
  readonly dropped: number;
  /** Why it does not connect (last error), null when connected or not tried yet. */
  readonly lastError: string | null;
}

export interface MqttPublisher {
  onEvent(change: EventChangeKind, item: StoredEvent): void;
  onHealth(health: CameraHealth): void;
  state(): MqttState;
  close(): Promise<void>;
}

export interface MqttPublisherOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly print: (line: string) => void;
  /** Messages kept while the broker is unreachable (default 1000). */
  readonly maxQueue?: number;
  /** Delay between reconnection attempts, ms (default 2000). */
  readonly reconnectMs?: number;
}

/** How long closing waits for the broker before cutting the link. */
const CLOSE_WAIT_MS = 2000;
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

interface Outgoing {
  readonly topic: string;
  readonly payload: string;
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

/** What a camera's retained state message says: the state, since when, why (offline only). */
export function cameraStatePayload(health: CameraHealth): { state: string; since: string; reason: string | null } {
  return { state: health.state, since: health.since, reason: health.offlineReason };
}

/**
 * Publishes to an MQTT broker (docs/INTEGRATIONS.md, "MQTT"):
 * `<prefix>/events/<camera>/<type>` per event change (not retained),
 * `<prefix>/cameras/<camera>/state` retained on each state change, and
 * `<prefix>/status` retained `online`, with `offline` as the last will.
 * Reconnects forever; meanwhile keeps a bounded queue that drops the oldest.
 */
export function createMqttPublisher(config: MqttConfig, options: MqttPublisherOptions): MqttPublisher {
  const prefix = config.topic_prefix;
  const statusTopic = `${prefix}/status`;
  const maxQueue = options.maxQueue ?? 1000;
  const url = new URL(config.url);
  const shownUrl = `${url.protocol}//${url.host}`;
  const password = config.password_env ? options.env[config.password_env] : undefined;
  if (config.password_env && !password) options.print(`mqtt: environment variable ${config.password_env} (password_env) is not set: connecting without a password`);
  const clientOptions: IClientOptions = {
    clientId: config.client_id ?? `vigie-${randomBytes(6).toString('hex')}`,
    reconnectPeriod: options.reconnectMs ?? 2000,
    connectTimeout: 10_000,
    clean: true,
    // Our own queue is bounded; mqtt.js's offline queue is not, so never hand it a message while offline.
    queueQoSZero: false,
    will: { topic: statusTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
    ...(config.username ? { username: config.username } : {}),
    ...(password ? { password } : {}),
  };
  const queue: Outgoing[] = [];
  let dropped = 0;
  let lastError: string | null = null;
  let wasConnected = false;
  /** Each camera's last state message (retained), to give again after a reconnection. */
  const states = new Map<string, Outgoing>();
  const client: MqttClient = mqtt.connect(config.url, clientOptions);

  const write = (m: Outgoing): void => {
    client.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, (err) => {
      if (err) lastError = err.message;
    });
  };
  const enqueue = (m: Outgoing): void => {
    if (client.connected) return write(m);
    queue.push(m);
    if (queue.length > maxQueue) {
      queue.shift();
      dropped += 1;
      if (dropped === 1 || dropped % 100 === 0) options.print(`mqtt: broker ${shownUrl} unreachable, queue full (${maxQueue}): ${dropped} message(s) dropped so far, oldest first`);
    }
  };

  let connections = 0;
  client.on('connect', () => {
    lastError = null;
    if (!wasConnected) options.print(`mqtt: connected to ${shownUrl}`);
    wasConnected = true;
    connections += 1;
    write({ topic: statusTopic, payload: 'online', qos: 1, retain: true });
    const kept = queue.splice(0);
    // A broker that restarted without persistence lost the retained states: give them again (before what was kept, which is newer).
    if (connections > 1) for (const m of states.values()) if (!kept.includes(m)) write(m);
    for (const m of kept) write(m);
  });
  client.on('offline', () => {
    if (wasConnected) options.print(`mqtt: lost the broker ${shownUrl}; reconnecting every ${clientOptions.reconnectPeriod ?? 0} ms`);
    wasConnected = false;
  });
  client.on('error', (err) => {
    if (lastError !== err.message) options.print(`mqtt: ${shownUrl}: ${err.message}`);
    lastError = err.message;
  });

  return {
    onEvent(change, item) {
      const { camera, type } = item.event;
      enqueue({ topic: `${prefix}/events/${camera}/${type}`, payload: JSON.stringify(eventPayload(change, item)), qos: config.qos, retain: false });
    },
    onHealth(health) {
      const previous = states.get(health.camera);
      const payload = JSON.stringify(cameraStatePayload(health));
      // Published on change only: the same state (and offline reason) since the same time is not news.
      if (previous?.payload === payload) return;
      const message: Outgoing = { topic: `${prefix}/cameras/${health.camera}/state`, payload, qos: 1, retain: true };
      states.set(health.camera, message);
      enqueue(message);
    },
    state: () => ({ url: shownUrl, connected: client.connected, queued: queue.length, dropped, lastError }),
    async close() {
      if (client.connected) {
        // A clean stop: say offline ourselves (the broker sends the will only when the link breaks).
        // A link that died unnoticed never acknowledges: give up after CLOSE_WAIT_MS.
        const said = new Promise<void>((resolve) => client.publish(statusTopic, 'offline', { qos: 1, retain: true }, () => resolve()));
        await Promise.race([said, delay(CLOSE_WAIT_MS)]);
      }
      await Promise.race([client.endAsync(), delay(CLOSE_WAIT_MS).then(() => client.endAsync(true))]);
    },
  };
}
