/** Decoding of stream messages: the edge where another process's bytes come in. */
import { z } from 'zod';
import { vigieEventSchema } from '../../contracts/event-schema.js';
import type { EventMessage } from '../types.js';

const eventMessageSchema = z.object({
  change: z.enum(['opened', 'updated', 'closed']),
  event: vigieEventSchema,
  lease: z.object({ camera: z.string().min(1), worker: z.string().min(1), epoch: z.number().int().nonnegative() }),
  emittedAtMs: z.number().finite(),
  seq: z.number().int().positive(),
});

/** The message, or why it cannot be one (one line). */
export function decodeEventMessage(data: Uint8Array): EventMessage | string {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return 'not JSON';
  }
  const parsed = eventMessageSchema.safeParse(json);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return parsed.data;
}
