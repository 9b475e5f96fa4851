import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { verifySignature } from '../../src/integrations/signature.js';
import { startVigie, type RunningVigie } from '../../src/server/runtime.js';
import { datasetFile } from '../helpers/datasets.js';

/*
 * The wiring of `vigie start`: a real camera (the car park clip, motion backend)
 * raises line crossings; each stored change reaches a signed webhook and the MQTT
 * broker (local Mosquitto), and the camera's health its retained state topic.
 */

const clip = datasetFile('intel-sample-videos/car-detection.mp4');
const SECRET_ENV = 'VIGIE_TEST_RUNTIME_HOOK_SECRET';
const prefix = `vigie-rt-${randomBytes(4).toString('hex')}`;

describe.skipIf(clip.missing)('vigie start hands stored events to MQTT and webhooks', () => {
  let dir = '';
  let vigie: RunningVigie;
  let receiver: Server;
  let watcher: MqttClient;
  const posted: { body: string; signature: string; timestamp: string }[] = [];
  const messages: { topic: string; payload: string; retain: boolean }[] = [];

  beforeAll(async () => {
    watcher = mqtt.connect('mqtt://127.0.0.1:1883', { reconnectPeriod: 0, connectTimeout: 3000 });
    await new Promise<void>((resolve, reject) => {
      watcher.once('connect', () => resolve());
      watcher.once('error', (err) => reject(new Error(`Mosquitto is not reachable at 127.0.0.1:1883 (${err.message}): start it (apt-get install mosquitto)`)));
    });
    watcher.on('message', (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await watcher.subscribeAsync(`${prefix}/#`, { qos: 1 });
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        posted.push({ body, signature: String(req.headers['x-vigie-signature']), timestamp: String(req.headers['x-vigie-timestamp']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    process.env[SECRET_ENV] = 'runtime-secret-77';
    dir = mkdtempSync(join(tmpdir(), 'vigie-integrations-rt-'));
    const fixture = loadConfigFile(new URL('../fixtures/car-park.yaml', import.meta.url).pathname);
    const config = configSchema.parse({
      ...fixture,
      cameras: fixture.cameras.map((c) => ({ ...c, source: clip.path })),
      integrations: {
        mqtt: { url: 'mqtt://127.0.0.1:1883', topic_prefix: prefix },
        webhooks: [{ id: 'dispatch', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, secret_env: SECRET_ENV, changes: ['opened'] }],
      },
    });
    vigie = await startVigie({ dataDir: dir, config, port: 0, host: '127.0.0.1', detectorPool: false, argon2: { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 }, print: () => undefined });
  });
  afterAll(async () => {
    await vigie?.close();
    await new Promise((r) => receiver.close(r));
    delete process.env[SECRET_ENV];
    await watcher.publishAsync(`${prefix}/status`, '', { retain: true, qos: 1 });
    await watcher.publishAsync(`${prefix}/cameras/parking-allee/state`, '', { retain: true, qos: 1 });
    await watcher.endAsync();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the first line crossing, as stored, to both; and the camera state, retained', async () => {
    // The first car crosses the middle line about 6.5 s into the clip.
    await expect.poll(() => posted.length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    const first = posted[0] as { body: string; signature: string; timestamp: string };
    expect(verifySignature('runtime-secret-77', first, first.body, Date.now() / 1000)).toBe(true);
    const payload = JSON.parse(first.body) as { change: string; event: { id: string; type: string } };
    expect(payload.change).toBe('opened');
    expect(payload.event.type).toBe('line_crossing');
    const stored = await vigie.repos.events.get(payload.event.id);
    expect(stored?.event).toEqual(payload.event);

    await expect.poll(() => messages.some((m) => m.topic === `${prefix}/events/parking-allee/line_crossing` && m.payload.includes(payload.event.id)), { timeout: 10_000 }).toBe(true);
    const states = messages.filter((m) => m.topic === `${prefix}/cameras/parking-allee/state`);
    expect(states.length).toBeGreaterThan(0);
    expect(['starting', 'running', 'degraded']).toContain((JSON.parse(states.at(-1)?.payload ?? '{}') as { state: string }).state);
    expect(messages.find((m) => m.topic === `${prefix}/status`)?.payload).toBe('online');
  }, 60_000);
});
