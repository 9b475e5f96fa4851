/**
 * The `integrations` section of the configuration (docs/CONFIG.md, docs/INTEGRATIONS.md):
 * an MQTT broker and signed webhooks. Secrets are never in the configuration: it
 * names the environment variables that hold them.
 */
import { z } from 'zod';
import { EVENT_TYPES, SEVERITIES } from '../contracts/event.js';

export const EVENT_CHANGES = ['opened', 'updated', 'closed'] as const;
export type EventChangeKind = (typeof EVENT_CHANGES)[number];

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'give the NAME of an environment variable (letters, digits, _), e.g. VIGIE_WEBHOOK_SECRET: never the secret itself');

const urlWithScheme = (schemes: readonly string[], example: string) =>
  z
    .string()
    .refine((value) => {
      try {
        return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    }, `give a ${schemes.join(':// or ')}:// URL, e.g. ${example}`);

export const mqttSchema = z
  .object({
    url: urlWithScheme(['mqtt', 'mqtts', 'ws', 'wss'], 'mqtt://broker.local:1883').describe('The broker: mqtt://, mqtts://, ws:// or wss:// URL (no password in it: use password_env).'),
    topic_prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'use letters, digits, - and _ separated by /, e.g. vigie or city/vigie (no +, # nor leading/trailing /)')
      .default('vigie')
      .describe('First levels of every topic Vigie publishes: <prefix>/events/..., <prefix>/cameras/..., <prefix>/status.'),
    client_id: z.string().min(1).max(128).optional().describe('MQTT client id (default vigie-<random>); each Vigie process needs its own.'),
    username: z.string().min(1).max(200).optional().describe('MQTT user name, if the broker asks for one.'),
    password_env: envName.optional().describe('Name of the environment variable holding the MQTT password.'),
    qos: z
      .union([z.literal(0), z.literal(1)], { error: () => 'use 0 (at most once) or 1 (at least once)' })
      .default(1)
      .describe('QoS of event messages (0 or 1); camera states and the status are always QoS 1.'),
  })
  .strict()
  .superRefine((m, ctx) => {
    try {
      const url = new URL(m.url);
      if (url.password !== '' || url.username !== '') ctx.addIssue({ code: 'custom', path: ['url'], message: 'no credentials in the URL: set username and password_env instead' });
    } catch {
      // reported by the url check
    }
  });

export const webhookSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes, e.g. "dispatch"').max(100).describe('Name of the webhook (deliveries and the console refer to it).'),
    url: urlWithScheme(['http', 'https'], 'https://dispatch.example.org/vigie').describe('Where events are POSTed (http:// or https://).'),
    secret_env: envName.describe('Name of the environment variable holding the HMAC secret; the webhook does not start without it.'),
    types: z.array(z.enum(EVENT_TYPES)).min(1, 'list at least one event type, or leave types out for all').optional().describe('Event types sent (default: all).'),
    min_severity: z.enum(SEVERITIES).optional().describe('Lowest severity sent (default: all).'),
    changes: z
      .array(z.enum(EVENT_CHANGES))
      .min(1, 'list at least one of opened, updated, closed')
      .default(['opened', 'closed'])
      .describe('Which changes of an event are sent: opened, updated, closed (default opened and closed).'),
    timeout_s: z.number().positive().max(60).default(5).describe('Seconds to wait for the receiver\'s answer before the attempt counts as failed.'),
    max_attempts: z.number().int().min(1).max(30).default(8).describe('Attempts before a delivery goes to the dead-letter list.'),
  })
  .strict();

export const integrationsSchema = z
  .object({
    mqtt: mqttSchema.optional().describe('Publish events and camera states to an MQTT broker.'),
    webhooks: z.array(webhookSchema).max(50).default([]).describe('Signed HTTP POSTs of events to other systems.'),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.webhooks.forEach((w, i) => {
      if (seen.has(w.id)) ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'id'], message: `duplicate webhook id "${w.id}": give each webhook its own id` });
      seen.add(w.id);
    });
  });

export type MqttConfig = z.infer<typeof mqttSchema>;
export type WebhookConfig = z.infer<typeof webhookSchema>;
export type IntegrationsConfig = z.infer<typeof integrationsSchema>;
