import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import type { VigieEvent } from '../../../src/contracts/event.js';
import { webhookSchema } from '../../../src/integrations/config.js';
import { changeKey, eventPayload, webhookWants } from '../../../src/integrations/payload.js';
import { classifyStatus, DEFAULT_RETRY_SCHEDULE_S, retryDelayMs } from '../../../src/integrations/retry.js';
import { signBody, verifySignature } from '../../../src/integrations/signature.js';
import type { StoredEvent } from '../../../src/store/event-codec.js';

const event: VigieEvent = {
  id: 'evt-1', camera: 'parvis', rule: 'r1', type: 'intrusion', severity: 'medium', start: 1, end: null,
  start_time: '2026-11-28T10:00:00.000Z', track_ids: [3], classes: ['person'], box: [0.1, 0.2, 0.1, 0.3], score: 0.9,
  snapshot: '/api/events/evt-1/snapshot.jpg', clip: null, details: { zone: 'pelouse' },
};
const stored = (e: VigieEvent): StoredEvent => ({
  event: e, status: e.end === null ? 'open' : 'closed', recordedAt: 'x', updatedAt: 'y', acknowledgedAt: 'z', acknowledgedBy: 'user-1',
  qualification: 'true_alert', qualifiedAt: 'z', qualifiedBy: 'user-1', dispatchedAt: null, dispatchedBy: null,
});
const hook = webhookSchema.parse({ id: 'dispatch', url: 'https://example.org/hook', secret_env: 'HOOK_SECRET' });

describe('webhook signature', () => {
  it('is the HMAC-SHA256 of "<timestamp>.<body>", and verifies only untouched and fresh', () => {
    const body = '{"a":1}';
    const signature = signBody('s3cret', 1_700_000_000, body);
    expect(signature).toBe(`sha256=${createHmac('sha256', 's3cret').update(`1700000000.${body}`).digest('hex')}`);
    const header = { signature, timestamp: '1700000000' };
    expect(verifySignature('s3cret', header, body, 1_700_000_100)).toBe(true);
    expect(verifySignature('s3cret', header, '{"a":2}', 1_700_000_100)).toBe(false);
    expect(verifySignature('other', header, body, 1_700_000_100)).toBe(false);
    expect(verifySignature('s3cret', { ...header, timestamp: '1700000001' }, body, 1_700_000_100)).toBe(false);
    // Replay of an old delivery: the timestamp is signed, so it cannot be refreshed.
    expect(verifySignature('s3cret', header, body, 1_700_001_000)).toBe(false);
  });
});

describe('retries', () => {
  it('waits 10 s, 30 s, 2 min, 10 min, 1 h... with at most 20 % jitter, the last delay repeating', () => {
    expect(DEFAULT_RETRY_SCHEDULE_S.slice(0, 5)).toEqual([10, 30, 120, 600, 3600]);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE_S, () => 0.5)).toBe(10_000);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE_S, () => 0)).toBe(8_000);
    expect(retryDelayMs(3, DEFAULT_RETRY_SCHEDULE_S, () => 0.999_999)).toBeCloseTo(144_000, -1);
    expect(retryDelayMs(50, [1, 2], () => 0.5)).toBe(2000);
    expect(() => retryDelayMs(1, [])).toThrow(/empty/);
  });

  it('delivers on 2xx, gives up on 4xx except 408 and 429, retries the rest', () => {
    expect([200, 201, 204].map(classifyStatus)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([400, 401, 404, 410, 422].map(classifyStatus)).toEqual(['dead', 'dead', 'dead', 'dead', 'dead']);
    expect([408, 429, 500, 502, 503, 301].map(classifyStatus)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry', 'retry']);
  });
});

describe('payload and filters', () => {
  it('carries the change, the status and the contract fields of the event only', () => {
    const payload = eventPayload('opened', stored({ ...event, ...{ face: 'x' } }));
    expect(Object.keys(payload).sort()).toEqual(['change', 'event', 'status']);
    expect(Object.keys(payload.event).sort()).toEqual(['box', 'camera', 'classes', 'clip', 'details', 'end', 'id', 'rule', 'score', 'severity', 'snapshot', 'start', 'start_time', 'track_ids', 'type']);
    expect(payload.event.snapshot).toBe('/api/events/evt-1/snapshot.jpg');
    expect(JSON.stringify(payload)).not.toMatch(/user-1|true_alert|face/);
  });

  it('keys opened and closed by their kind, an update by the event it made', () => {
    expect(changeKey(eventPayload('opened', stored(event)))).toBe('opened');
    const a = changeKey(eventPayload('updated', stored({ ...event, score: 0.8 })));
    expect(a).toMatch(/^updated:[0-9a-f]{32}$/);
    expect(changeKey(eventPayload('updated', stored({ ...event, score: 0.8 })))).toBe(a);
    expect(changeKey(eventPayload('updated', stored({ ...event, score: 0.7 })))).not.toBe(a);
  });

  it('sends opened and closed of every type by default; types, min_severity and changes narrow it', () => {
    expect(webhookWants(hook, 'opened', event)).toBe(true);
    expect(webhookWants(hook, 'closed', event)).toBe(true);
    expect(webhookWants(hook, 'updated', event)).toBe(false);
    expect(webhookWants({ ...hook, types: ['fire'] }, 'opened', event)).toBe(false);
    expect(webhookWants({ ...hook, min_severity: 'high' }, 'opened', event)).toBe(false);
    expect(webhookWants({ ...hook, min_severity: 'medium' }, 'opened', event)).toBe(true);
    expect(webhookWants({ ...hook, changes: ['updated'] }, 'updated', event)).toBe(true);
  });
});

describe('integrations configuration', () => {
  const problems = (integrations: unknown): string[] => {
    const r = configSchema.safeParse({ integrations });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('has defaults: no broker, no webhook; qos 1, prefix vigie; webhook timeout 5 s, 8 attempts, opened and closed', () => {
    expect(configSchema.parse({}).integrations).toEqual({ webhooks: [] });
    const cfg = configSchema.parse({ integrations: { mqtt: { url: 'mqtt://127.0.0.1:1883' }, webhooks: [{ id: 'a', url: 'http://x/', secret_env: 'S' }] } }).integrations;
    expect(cfg.mqtt).toMatchObject({ qos: 1, topic_prefix: 'vigie' });
    expect(cfg.webhooks[0]).toMatchObject({ timeout_s: 5, max_attempts: 8, changes: ['opened', 'closed'] });
  });

  it('names the field and the fix', () => {
    expect(problems({ webhooks: [{ id: 'a', url: 'ftp://x', secret_env: 'S' }] })).toEqual(['integrations.webhooks.0.url: give a http:// or https:// URL, e.g. https://dispatch.example.org/vigie']);
    expect(problems({ webhooks: [{ id: 'a', url: 'http://x', secret_env: 'my secret!' }] })[0]).toMatch(/^integrations\.webhooks\.0\.secret_env: give the NAME of an environment variable/);
    expect(problems({ webhooks: [{ id: 'a', url: 'http://x', secret_env: 'S' }, { id: 'a', url: 'http://y', secret_env: 'S' }] })).toEqual(['integrations.webhooks.1.id: duplicate webhook id "a": give each webhook its own id']);
    expect(problems({ mqtt: { url: 'mqtt://u:p@broker:1883' } })).toEqual(['integrations.mqtt.url: no credentials in the URL: set username and password_env instead']);
    expect(problems({ mqtt: { url: 'mqtt://broker', qos: 2 } })).toEqual(['integrations.mqtt.qos: use 0 (at most once) or 1 (at least once)']);
    expect(problems({ mqtt: { url: 'mqtt://broker', topic_prefix: 'a/#' } })[0]).toMatch(/^integrations\.mqtt\.topic_prefix: use letters/);
  });
});
