/**
 * Core NATS notices, not stored in the stream: camera health (the next one
 * replaces it, an old one is worthless) and "the configuration changed" (workers
 * then read the configuration from the database, which stays the source of truth).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { z } from 'zod';
import { CAMERA_HEALTH_STATES, OFFLINE_REASONS } from '../../pipeline/health.js';
import type { HealthMessage } from '../types.js';
import { subjectToken } from './stream.js';

export const HEALTH_SUBJECT_PREFIX = 'vigie.health';
export const CONFIG_CHANGED_SUBJECT = 'vigie.config.changed';

const healthMessageSchema = z.object({
  worker: z.string().min(1),
  sentAtMs: z.number().finite(),
  health: z.object({
    camera: z.string().min(1),
    state: z.enum(CAMERA_HEALTH_STATES),
    since: z.string(),
    lastFrameAt: z.string().nullable(),
    analysisFps: z.number().finite(),
    targetFps: z.number().finite(),
    framesDropped: z.number().finite(),
    restarts: z.number().finite(),
    lastError: z.string().nullable(),
    offlineReason: z.enum(OFFLINE_REASONS).nullable(),
  }),
});

const decode = (data: Uint8Array): unknown => {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return null;
  }
};

export function publishHealth(nc: NatsConnection, message: HealthMessage): void {
  nc.publish(`${HEALTH_SUBJECT_PREFIX}.${subjectToken(message.health.camera)}`, JSON.stringify(message));
}

/** Every camera's health as workers announce it; malformed messages are ignored. Unsubscribe to stop. */
export function subscribeHealth(nc: NatsConnection, handler: (message: HealthMessage) => void): Subscription {
  return nc.subscribe(`${HEALTH_SUBJECT_PREFIX}.>`, {
    callback: (err, msg) => {
      if (err) return;
      const parsed = healthMessageSchema.safeParse(decode(msg.data));
      if (parsed.success) handler(parsed.data);
    },
  });
}

/** Tells the workers that configuration `version` was saved (they reload it from the database). */
export function notifyConfigChanged(nc: NatsConnection, version: number): void {
  nc.publish(CONFIG_CHANGED_SUBJECT, JSON.stringify({ version }));
}

export function onConfigChanged(nc: NatsConnection, handler: (version: number) => void): Subscription {
  return nc.subscribe(CONFIG_CHANGED_SUBJECT, {
    callback: (err, msg) => {
      if (err) return;
      const parsed = z.object({ version: z.number().int().positive() }).safeParse(decode(msg.data));
      if (parsed.success) handler(parsed.data.version);
    },
  });
}
