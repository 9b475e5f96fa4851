import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { appendAuditWithin } from './audit-repository.js';
import { StoreError } from './errors.js';
import { oneOf } from './json.js';
import type { Database, WebhookDeliveriesTable } from './schema.js';
import { isoNow, systemClock, type Clock } from './time.js';

/**
 * The webhook outbox (docs/INTEGRATIONS.md, "Webhooks"). A delivery is queued
 * once per (webhook, event, change); the dispatcher claims due rows with a
 * conditional UPDATE so that, with several processes, each attempt is made by
 * one of them; what an operator does with a dead letter is audited.
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead', 'discarded'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookDelivery {
  /** Also the `X-Vigie-Delivery` header, the same at every attempt. */
  readonly id: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly change: string;
  readonly camera: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly nextAttemptAt: string;
  /** HTTP status of the last attempt; null when it got no answer (or none was made). */
  readonly lastStatus: number | null;
  /** What went wrong at the last attempt, truncated. */
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deliveredAt: string | null;
}

/** A delivery the dispatcher holds: the body to send and the token its result must carry. */
export interface ClaimedDelivery extends WebhookDelivery {
  readonly payload: string;
  readonly claimToken: string;
}

export interface NewDelivery {
  readonly webhookId: string;
  readonly eventId: string;
  /** `opened`, `closed` or `updated:<hash>`: the same change offered twice has the same key. */
  readonly changeKey: string;
  readonly change: string;
  readonly camera: string;
  readonly eventType: string;
  readonly payload: string;
  readonly maxAttempts: number;
}

/** What an attempt came to. `retry` with `nextAttemptAt` null means no attempt is left: dead. */
export type AttemptResult =
  | { readonly outcome: 'delivered'; readonly status: number }
  | { readonly outcome: 'dead' | 'retry'; readonly status: number | null; readonly error: string; readonly nextAttemptAt: string | null };

export type DeliveryCounts = Readonly<Record<DeliveryStatus, number>>;

export interface DeliveryFilter {
  readonly status?: DeliveryStatus;
  readonly webhookId?: string;
  /** Default 50, at most 500. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface WebhookRepository {
  /** Queues deliveries; one already queued for the same change is left as it is. Returns how many were new. */
  enqueue(deliveries: readonly NewDelivery[]): Promise<number>;
  /** Claims up to `limit` pending rows of these webhooks that are due, for `leaseMs`. */
  claimDue(webhookIds: readonly string[], limit: number, leaseMs: number): Promise<readonly ClaimedDelivery[]>;
  /** Records an attempt; false when the claim was lost (expired and taken by another process). */
  complete(id: string, claimToken: string, result: AttemptResult): Promise<boolean>;
  counts(): Promise<ReadonlyMap<string, DeliveryCounts>>;
  /** Newest first. */
  list(filter?: DeliveryFilter): Promise<{ readonly items: readonly WebhookDelivery[]; readonly nextCursor: string | null }>;
  get(id: string): Promise<WebhookDelivery | null>;
  /** A dead delivery back to pending, due now (attempts kept); audited `webhook.retry`. */
  retry(id: string, by: string): Promise<WebhookDelivery>;
  /** Gives up a dead delivery for good (kept as `discarded`); audited `webhook.discard`. */
  discard(id: string, by: string): Promise<WebhookDelivery>;
  /** Deletes delivered and discarded rows last changed before `before` (ISO); returns how many. */
  purgeFinished(before: string): Promise<number>;
}

export const DEFAULT_DELIVERY_PAGE = 50;
export const MAX_DELIVERY_PAGE = 500;
const MAX_ERROR_LENGTH = 300;

const toDelivery = (row: Selectable<WebhookDeliveriesTable>): WebhookDelivery => ({
  id: row.id,
  webhookId: row.webhook_id,
  eventId: row.event_id,
  change: row.change,
  camera: row.camera,
  eventType: row.event_type,
  status: oneOf(DELIVERY_STATUSES, row.status, `webhook delivery "${row.id}" status`),
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
  nextAttemptAt: row.next_attempt_at,
  lastStatus: row.last_status,
  lastError: row.last_error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deliveredAt: row.delivered_at,
});

const noCounts = (): Record<DeliveryStatus, number> => ({ pending: 0, delivered: 0, dead: 0, discarded: 0 });

function decodeCursor(cursor: string): { at: string; id: string } {
  const at = cursor.slice(0, 24);
  if (cursor.length < 26 || cursor[24] !== '|' || Number.isNaN(Date.parse(at))) throw new StoreError('INVALID', 'cursor: pass the nextCursor of the previous page unchanged');
  return { at, id: cursor.slice(25) };
}

export function createWebhookRepository(db: Kysely<Database>, options: { readonly now?: Clock; readonly newId?: () => string } = {}): WebhookRepository {
  const clock = options.now ?? systemClock;
  const newId = options.newId ?? randomUUID;
  const get = async (id: string): Promise<WebhookDelivery | null> => {
    const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toDelivery(row) : null;
  };

  /** Moves a dead delivery on (retry or discard) and audits it in the same transaction. */
  const leaveDead = async (id: string, by: string, action: 'webhook.retry' | 'webhook.discard'): Promise<WebhookDelivery> => {
    const at = isoNow(clock);
    const next = action === 'webhook.retry'
      ? { status: 'pending', next_attempt_at: at, claimed_until: null, claim_token: null, updated_at: at }
      : { status: 'discarded', updated_at: at };
    return db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('webhook_deliveries').set(next).where('id', '=', id).where('status', '=', 'dead').executeTakeFirst();
      const row = await trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new StoreError('NOT_FOUND', `webhook delivery ${id} not found`);
      if (Number(result.numUpdatedRows) === 0) throw new StoreError('CONFLICT', `webhook delivery ${id} is ${row.status}, not dead: only a dead letter can be retried or discarded`);
      await appendAuditWithin(
        trx,
        { actor: by, action, target: id, details: { webhook: row.webhook_id, event: row.event_id, change: row.change, attempts: row.attempts, last_status: row.last_status } },
        clock,
      );
      return toDelivery(row);
    });
  };

  return {
    async enqueue(deliveries) {
      if (deliveries.length === 0) return 0;
      const at = isoNow(clock);
      const rows = deliveries.map((d) => ({
        id: newId(),
        webhook_id: d.webhookId,
        event_id: d.eventId,
        change_key: d.changeKey,
        change: d.change,
        camera: d.camera,
        event_type: d.eventType,
        payload: d.payload,
        status: 'pending',
        attempts: 0,
        max_attempts: d.maxAttempts,
        next_attempt_at: at,
        claimed_until: null,
        claim_token: null,
        last_status: null,
        last_error: null,
        created_at: at,
        updated_at: at,
        delivered_at: null,
      }));
      const result = await db
        .insertInto('webhook_deliveries')
        .values(rows)
        .onConflict((oc) => oc.columns(['webhook_id', 'event_id', 'change_key']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    async claimDue(webhookIds, limit, leaseMs) {
      if (webhookIds.length === 0 || limit <= 0) return [];
      const now = isoNow(clock);
      const candidates = await db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where('webhook_id', 'in', [...webhookIds])
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      const until = new Date(clock() + leaseMs).toISOString();
      const claimed: ClaimedDelivery[] = [];
      for (const { id } of candidates) {
        const token = newId();
        // Conditional: another process that claimed the row first makes this update touch nothing.
        const result = await db
          .updateTable('webhook_deliveries')
          .set({ claimed_until: until, claim_token: token })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) continue;
        const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        claimed.push({ ...toDelivery(row), payload: row.payload, claimToken: token });
      }
      return claimed;
    },

    async complete(id, claimToken, result) {
      const at = isoNow(clock);
      const fields =
        result.outcome === 'delivered'
          ? { status: 'delivered', last_status: result.status, last_error: null, delivered_at: at }
          : result.outcome === 'retry' && result.nextAttemptAt !== null
            ? { status: 'pending', last_status: result.status, last_error: result.error.slice(0, MAX_ERROR_LENGTH), next_attempt_at: result.nextAttemptAt }
            : { status: 'dead', last_status: result.status, last_error: result.error.slice(0, MAX_ERROR_LENGTH) };
      const updated = await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ ...fields, attempts: eb('attempts', '+', 1), updated_at: at, claimed_until: null, claim_token: null }))
        .where('id', '=', id)
        .where('claim_token', '=', claimToken)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },

    async counts() {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => ['webhook_id', 'status', eb.fn.countAll<number | string | bigint>().as('n')])
        .groupBy(['webhook_id', 'status'])
        .execute();
      const out = new Map<string, Record<DeliveryStatus, number>>();
      for (const row of rows) {
        const counts = out.get(row.webhook_id) ?? noCounts();
        counts[oneOf(DELIVERY_STATUSES, row.status, `webhook delivery status of ${row.webhook_id}`)] = Number(row.n);
        out.set(row.webhook_id, counts);
      }
      return out;
    },

    async list(filter = {}) {
      const limit = Math.min(Math.max(filter.limit ?? DEFAULT_DELIVERY_PAGE, 1), MAX_DELIVERY_PAGE);
      let query = db.selectFrom('webhook_deliveries').selectAll();
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.webhookId) query = query.where('webhook_id', '=', filter.webhookId);
      if (filter.cursor) {
        const c = decodeCursor(filter.cursor);
        query = query.where((eb) => eb.or([eb('created_at', '<', c.at), eb.and([eb('created_at', '=', c.at), eb('id', '<', c.id)])]));
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(toDelivery), nextCursor: rows.length > limit && last ? `${last.created_at}|${last.id}` : null };
    },

    get,
    retry: (id, by) => leaveDead(id, by, 'webhook.retry'),
    discard: (id, by) => leaveDead(id, by, 'webhook.discard'),

    async purgeFinished(before) {
      const result = await db.deleteFrom('webhook_deliveries').where('status', 'in', ['delivered', 'discarded']).where('updated_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
