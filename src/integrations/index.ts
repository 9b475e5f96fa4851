/**
 * The integrations of one Vigie process (docs/INTEGRATIONS.md): build them once
 * the database is open, feed them committed event changes and camera health,
 * apply each saved configuration, close them at shutdown. Used by the
 * single-box runtime and by the API nodes of a cluster.
 */
import type { Kysely } from 'kysely';
import { isShadowEvent, type StoredEvent } from '../store/event-codec.js';
import type { Database } from '../store/schema.js';
import { createWebhookRepository, type WebhookRepository } from '../store/webhook-repository.js';
import type { CameraHealth } from '../pipeline/health.js';
import type { IntegrationsConfig, MqttConfig } from './config.js';
import { createMqttPublisher, type MqttPublisher, type MqttState } from './mqtt.js';
import type { IntegrationSink } from './types.js';
import { createWebhookDispatcher, type WebhookState } from './webhooks.js';

export interface IntegrationsOptions {
  readonly config: IntegrationsConfig;
  readonly db: Kysely<Database>;
  readonly print: (line: string) => void;
  readonly now?: () => number;
  /** Where secrets are read (password_env, secret_env); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Webhook retry delays in seconds (tests shorten them); default DEFAULT_RETRY_SCHEDULE_S. */
  readonly retryScheduleS?: readonly number[];
  /** How often due webhook deliveries are looked for, ms (default 1000). */
  readonly pollMs?: number;
  readonly random?: () => number;
}

/** What the console's Integrations page shows (GET /api/integrations). */
export interface IntegrationsStatus {
  /** Null when no broker is configured. */
  readonly mqtt: MqttState | null;
  readonly webhooks: readonly WebhookState[];
}

export interface Integrations extends IntegrationSink {
  /** A saved configuration's `integrations` section, applied without restart. */
  apply(config: IntegrationsConfig): Promise<void>;
  status(): IntegrationsStatus;
  /** The webhook outbox (dead letters, counters). */
  readonly deliveries: WebhookRepository;
  /** Looks for due webhook deliveries now (after a retry from the console). */
  kick(): void;
}

export function createIntegrations(options: IntegrationsOptions): Integrations {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const deliveries = createWebhookRepository(options.db, { now });
  const webhooks = createWebhookDispatcher({
    repo: deliveries,
    env,
    print: options.print,
    now,
    ...(options.retryScheduleS ? { retryScheduleS: options.retryScheduleS } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  let mqtt: MqttPublisher | null = null;
  let mqttConfig: MqttConfig | undefined;
  const health = new Map<string, CameraHealth>();

  const applyMqtt = async (next: MqttConfig | undefined): Promise<void> => {
    if (JSON.stringify(next) === JSON.stringify(mqttConfig)) return;
    mqttConfig = next;
    const previous = mqtt;
    mqtt = null;
    await previous?.close();
    if (next) {
      mqtt = createMqttPublisher(next, { env, print: options.print });
      // A new broker (or prefix) gets the cameras' current states, retained.
      for (const h of health.values()) mqtt.onHealth(h);
    }
  };

  const apply = async (config: IntegrationsConfig): Promise<void> => {
    webhooks.apply(config.webhooks);
    await applyMqtt(config.mqtt);
  };
  void apply(options.config).catch((err: unknown) => options.print(`integrations could not start: ${String(err)}`));

  return {
    async onEvent(change, item: StoredEvent) {
      // Shadow events measure a rule; they never leave Vigie.
      if (isShadowEvent(item.event)) return;
      try {
        mqtt?.onEvent(change, item);
        await webhooks.offer(change, item);
      } catch (err) {
        options.print(`integrations: event ${item.event.id} ${change} not handed over: ${String(err)}`);
      }
    },
    onHealth(h) {
      health.set(h.camera, h);
      mqtt?.onHealth(h);
    },
    apply,
    status: () => ({ mqtt: mqtt?.state() ?? null, webhooks: webhooks.states() }),
    deliveries,
    kick: () => webhooks.kick(),
    async close() {
      await webhooks.close();
      const m = mqtt;
      mqtt = null;
      mqttConfig = undefined;
      await m?.close();
    },
  };
}

export type { IntegrationSink } from './types.js';
export type { IntegrationsConfig } from './config.js';
