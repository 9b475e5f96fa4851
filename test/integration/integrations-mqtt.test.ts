import { randomBytes } from 'node:crypto';
import { connect as connectTcp, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigieEvent } from '../../src/contracts/event.js';
import { mqttSchema } from '../../src/integrations/config.js';
import { createIntegrations, type Integrations } from '../../src/integrations/index.js';
import { createMqttPublisher } from '../../src/integrations/mqtt.js';
import type { CameraHealth } from '../../src/pipeline/health.js';
import type { StoredEvent } from '../../src/store/event-codec.js';
import type { Database } from '../../src/store/schema.js';
import type { Kysely } from 'kysely';

/*
 * MQTT against the local Mosquitto (127.0.0.1:1883, shared: every topic is under
 * a prefix of this run, and retained messages are cleared at the end); a TCP
 * relay in front of it plays the broker going away and coming back.
 */

const BROKER = 'mqtt://127.0.0.1:1883';
const prefix = `vigie-test-${randomBytes(4).toString('hex')}`;

const event: VigieEvent = {
  id: 'evt-mqtt-1', camera: 'parvis', rule: 'pelouse', type: 'intrusion', severity: 'high', start: 1, end: null,
  start_time: '2026-11-28T10:00:00.000Z', track_ids: [4], classes: ['person'], box: [0.1, 0.2, 0.1, 0.3], score: 0.9,
  snapshot: '/api/events/evt-mqtt-1/snapshot.jpg', clip: null, details: { zone: 'pelouse' },
};
const stored: StoredEvent = {
  event, status: 'open', recordedAt: event.start_time, updatedAt: event.start_time, acknowledgedAt: null, acknowledgedBy: 'user-9',
  qualification: null, qualifiedAt: null, qualifiedBy: null, dispatchedAt: null, dispatchedBy: null,
};
const health = (camera: string, state: CameraHealth['state'], reason: CameraHealth['offlineReason'] = null): CameraHealth => ({
  camera, state, since: '2026-11-28T10:00:05.000Z', lastFrameAt: null, analysisFps: 0, targetFps: 5, framesDropped: 0, restarts: 2,
  lastError: 'rtsp://user:pw@cam: connection refused', offlineReason: reason,
});

async function connect(url: string): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', (err) => reject(new Error(`Mosquitto is not reachable at ${url} (${err.message}): start it (apt-get install mosquitto; systemctl start mosquitto)`)));
  });
  return client;
}

/** Subscribes and collects messages; retained ones come first, flagged. */
async function collect(client: MqttClient, filter: string): Promise<{ topic: string; payload: string; retain: boolean }[]> {
  const got: { topic: string; payload: string; retain: boolean }[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), retain: packet.retain }));
  await client.subscribeAsync(filter, { qos: 1 });
  return got;
}

async function until<T>(what: string, read: () => T, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
};

describe('MQTT publisher (local Mosquitto)', () => {
  let watcher: MqttClient;
  let sink: Integrations;
  const lines: string[] = [];

  beforeAll(async () => {
    watcher = await connect(BROKER);
  });
  afterAll(async () => {
    await sink?.close();
    // Leave no retained message of this run on the shared broker.
    for (const topic of [`${prefix}/status`, `${prefix}/cameras/parvis/state`, `${prefix}/cameras/gare/state`]) {
      await watcher.publishAsync(topic, '', { retain: true, qos: 1 });
    }
    await watcher.endAsync();
  });

  it('publishes events on <prefix>/events/<camera>/<type>, camera states retained, and online/offline status', async () => {
    const events = await collect(watcher, `${prefix}/#`);
    const config = { mqtt: mqttSchema.parse({ url: BROKER, topic_prefix: prefix }), webhooks: [] };
    // No database needed without webhooks: the outbox is never touched.
    sink = createIntegrations({ config, db: null as unknown as Kysely<Database>, print: (l) => lines.push(l) });
    await until('online', () => sink.status().mqtt?.connected, (c) => c === true);
    await until('status online', () => events.find((m) => m.topic === `${prefix}/status`)?.payload, (p) => p === 'online');

    await sink.onEvent('opened', stored);
    await sink.onEvent('opened', { ...stored, event: { ...event, id: 'evt-shadow', details: { shadow: true } } });
    sink.onHealth(health('parvis', 'offline', 'unreachable'));
    sink.onHealth(health('parvis', 'offline', 'unreachable'));
    sink.onHealth(health('gare', 'running'));
    const message = await until('the event', () => events.find((m) => m.topic === `${prefix}/events/parvis/intrusion`), (m) => m !== undefined);
    expect(message?.retain).toBe(false);
    expect(JSON.parse(message?.payload ?? '')).toEqual({ change: 'opened', status: 'open', event });
    expect(message?.payload).not.toContain('user-9');
    await until('two states', () => events.filter((m) => m.topic.startsWith(`${prefix}/cameras/`)), (m) => m.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    // A state is published on change only; a shadow event never.
    expect(events.filter((m) => m.topic === `${prefix}/cameras/parvis/state`)).toHaveLength(1);
    expect(events.filter((m) => m.topic.startsWith(`${prefix}/events/`))).toHaveLength(1);

    // Someone connecting afterwards gets every camera's state and the status, retained.
    const late = await connect(BROKER);
    const retained = await collect(late, `${prefix}/#`);
    await until('retained states', () => retained, (m) => m.length >= 3);
    await late.endAsync();
    const byTopic = new Map(retained.map((m) => [m.topic, m]));
    expect(JSON.parse(byTopic.get(`${prefix}/cameras/parvis/state`)?.payload ?? '')).toEqual({ state: 'offline', since: '2026-11-28T10:00:05.000Z', reason: 'unreachable' });
    expect(JSON.parse(byTopic.get(`${prefix}/cameras/gare/state`)?.payload ?? '')).toEqual({ state: 'running', since: '2026-11-28T10:00:05.000Z', reason: null });
    expect(byTopic.get(`${prefix}/status`)).toMatchObject({ payload: 'online', retain: true });
    expect(retained.some((m) => m.topic.includes('/events/'))).toBe(false);

    await sink.close();
    await until('status offline', () => events.filter((m) => m.topic === `${prefix}/status`).at(-1)?.payload, (p) => p === 'offline');
  });
});

describe('MQTT publisher while the broker is unreachable', () => {
  it('keeps a bounded queue (dropping the oldest, counted), sends the rest once back, and leaves its will when the link breaks', async () => {
    // The publisher reaches the shared broker through a TCP relay this test opens and cuts.
    const port = await freePort();
    const sockets = new Set<Socket>();
    const relay = (): Server => createServer((socket) => {
      const upstream = connectTcp(1883, '127.0.0.1');
      sockets.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    const watcher = await connect(BROKER);
    const got = await collect(watcher, `${prefix}-q/#`);
    const lines: string[] = [];
    const publisher = createMqttPublisher(mqttSchema.parse({ url: `mqtt://127.0.0.1:${port}`, topic_prefix: `${prefix}-q` }), { env: {}, print: (l) => lines.push(l), maxQueue: 3, reconnectMs: 100 });
    try {
      for (let i = 0; i < 5; i += 1) publisher.onEvent('opened', { ...stored, event: { ...event, id: `evt-q-${i}` } });
      expect(publisher.state()).toMatchObject({ connected: false, queued: 3, dropped: 2 });
      expect(lines.some((l) => l.includes('queue full (3)') && l.includes('dropped'))).toBe(true);

      let link = relay();
      await new Promise<void>((r) => link.listen(port, '127.0.0.1', r));
      const events = await until('the kept events', () => got.filter((m) => m.topic.includes('/events/')), (m) => m.length >= 3);
      expect(events.map((m) => (JSON.parse(m.payload) as { event: { id: string } }).event.id)).toEqual(['evt-q-2', 'evt-q-3', 'evt-q-4']);
      expect(publisher.state()).toMatchObject({ connected: true, queued: 0, dropped: 2 });

      publisher.onHealth(health('gare', 'running'));
      const stateTopic = `${prefix}-q/cameras/gare/state`;
      await until('the camera state', () => got.filter((m) => m.topic === stateTopic), (m) => m.length === 1);

      // The link breaks without a goodbye: the broker publishes the last will.
      link.close();
      for (const s of sockets) s.destroy();
      await until('the will', () => got.filter((m) => m.topic === `${prefix}-q/status`).at(-1)?.payload, (p) => p === 'offline');

      // Back again: online, and the camera states given again (a broker that restarted would have lost them).
      link = relay();
      await new Promise<void>((r) => link.listen(port, '127.0.0.1', r));
      await until('online again', () => got.filter((m) => m.topic === `${prefix}-q/status`).at(-1)?.payload, (p) => p === 'online');
      await until('the state again', () => got.filter((m) => m.topic === stateTopic), (m) => m.length >= 2);
      link.close();
      for (const s of sockets) s.destroy();
    } finally {
      await publisher.close();
      await watcher.publishAsync(`${prefix}-q/status`, '', { retain: true, qos: 1 });
      await watcher.publishAsync(`${prefix}-q/cameras/gare/state`, '', { retain: true, qos: 1 });
      await watcher.endAsync();
    }
  });
});
