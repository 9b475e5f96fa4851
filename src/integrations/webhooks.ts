import type { StoredEvent } from '../store/event-codec.js';
import type { ClaimedDelivery, WebhookRepository } from '../store/webhook-repository.js';
import type { EventChangeKind, WebhookConfig } from './config.js';
import { changeKey, eventPayload, webhookWants } from './payload.js';
import { classifyStatus, DEFAULT_RETRY_SCHEDULE_S, retryDelayMs } from './retry.js';
import { DELIVERY_HEADER, signBody, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.js';

/** A webhook of the configuration as it runs: ready, or not started and why. */
export interface WebhookState {
  readonly id: string;
  /** The URL without user info nor query string (the console and logs show it). */
  readonly url: string;
  readonly active: boolean;
  /** Why it does not run (its secret's variable is unset); null when active. */
  readonly problem: string | null;
}

export interface WebhookDispatcherOptions {
  readonly repo: WebhookRepository;
  readonly env: NodeJS.ProcessEnv;
  readonly print: (line: string) => void;
  readonly now: () => number;
  /** Delays between attempts, seconds (tests shorten it). */
  readonly retryScheduleS?: readonly number[];
  /** How often due deliveries are looked for, ms (default 1000). */
  readonly pollMs?: number;
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
}

export interface WebhookDispatcher {
  apply(webhooks: readonly WebhookConfig[]): void;
  states(): readonly WebhookState[];
  /** Queues the change for every webhook that wants it; resolves once it is in the outbox (never rejects). */
  offer(change: EventChangeKind, item: StoredEvent): Promise<void>;
  /** Runs one round of due deliveries now (tests; also called after a retry from the API). */
  kick(): void;
  close(): Promise<void>;
}

const BATCH = 20;
const HOUR_MS = 3_600_000;
/** Delivered and discarded rows are kept this long for the console, then purged. */
const KEEP_FINISHED_MS = 30 * 24 * HOUR_MS;

export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

interface Running {
  readonly config: WebhookConfig;
  readonly secret: string;
}

/**
 * Signed webhooks: changes are written to the outbox (`webhook_deliveries`)
 * before any attempt, then a background loop claims due rows and POSTs them.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const schedule = options.retryScheduleS ?? DEFAULT_RETRY_SCHEDULE_S;
  const pollMs = options.pollMs ?? 1000;
  const doFetch = options.fetch ?? fetch;
  let running = new Map<string, Running>();
  let states: WebhookState[] = [];
  let closed = false;
  let round: Promise<void> = Promise.resolve();
  let roundQueued = false;
  let enqueues: Promise<void> = Promise.resolve();
  let lastPurge = 0;
  const inFlight = new Set<AbortController>();

  const send = async (d: ClaimedDelivery, hook: Running): Promise<void> => {
    const timestamp = Math.floor(options.now() / 1000);
    const controller = new AbortController();
    inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${hook.config.timeout_s} s`)), hook.config.timeout_s * 1000);
    let status: number | null = null;
    let error = '';
    try {
      const res = await doFetch(hook.config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Vigie-Webhook',
          [DELIVERY_HEADER]: d.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signBody(hook.secret, timestamp, d.payload),
        },
        body: d.payload,
        redirect: 'manual',
        signal: controller.signal,
      });
      status = res.status;
      const text = await res.text().catch(() => '');
      error = `HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      error = controller.signal.aborted ? String((controller.signal.reason as Error).message) : cause?.code ?? cause?.message ?? (err as Error).message;
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
    }
    // Cut short by a shutdown: not an attempt; the claim lapses and the delivery is made after the restart.
    if (closed) return;
    const verdict = status === null ? 'retry' : classifyStatus(status);
    const attempt = d.attempts + 1;
    const result =
      verdict === 'delivered'
        ? { outcome: 'delivered' as const, status: status as number }
        : {
            outcome: verdict,
            status,
            error,
            nextAttemptAt: verdict === 'retry' && attempt < d.maxAttempts ? new Date(options.now() + retryDelayMs(attempt, schedule, options.random)).toISOString() : null,
          };
    await options.repo.complete(d.id, d.claimToken, result);
    if (verdict !== 'delivered' && result.nextAttemptAt === null) {
      options.print(`webhook ${hook.config.id}: delivery ${d.id} (event ${d.eventId} ${d.change}) is dead after ${attempt} attempt(s): ${error}; retry it from the console's Integrations page`);
    }
  };

  const runRound = async (): Promise<void> => {
    if (closed || running.size === 0) return;
    await enqueues;
    const leaseMs = Math.max(...[...running.values()].map((r) => r.config.timeout_s)) * 1000 + 30_000;
    for (;;) {
      const batch = await options.repo.claimDue([...running.keys()], BATCH, leaseMs);
      await Promise.all(
        batch.map(async (d) => {
          const hook = running.get(d.webhookId);
          if (hook) await send(d, hook);
        }),
      );
      if (batch.length < BATCH || closed) break;
    }
    if (options.now() - lastPurge > HOUR_MS) {
      lastPurge = options.now();
      await options.repo.purgeFinished(new Date(options.now() - KEEP_FINISHED_MS).toISOString());
    }
  };

  const kick = (): void => {
    if (roundQueued || closed) return;
    roundQueued = true;
    round = round.then(() => {
      roundQueued = false;
      return runRound().catch((err: unknown) => options.print(`webhooks: delivery round failed: ${String(err)}`));
    });
  };
  const timer = setInterval(kick, pollMs);
  timer.unref();

  return {
    apply(webhooks) {
      const next = new Map<string, Running>();
      states = webhooks.map((config) => {
        const secret = options.env[config.secret_env];
        const url = displayUrl(config.url);
        if (secret === undefined || secret === '') {
          const problem = `environment variable ${config.secret_env} is not set`;
          if (running.has(config.id) || !states.some((s) => s.id === config.id && !s.active)) {
            options.print(`webhook ${config.id} not started: ${problem}: set it to the shared HMAC secret and restart Vigie (docs/INTEGRATIONS.md)`);
          }
          return { id: config.id, url, active: false, problem };
        }
        next.set(config.id, { config, secret });
        return { id: config.id, url, active: true, problem: null };
      });
      running = next;
      kick();
    },
    states: () => states,
    offer(change, item) {
      if (closed || running.size === 0) return Promise.resolve();
      const payload = eventPayload(change, item);
      const body = JSON.stringify(payload);
      const key = changeKey(payload);
      const rows = [...running.values()]
        .filter((r) => webhookWants(r.config, change, item.event))
        .map((r) => ({ webhookId: r.config.id, eventId: item.event.id, changeKey: key, change, camera: item.event.camera, eventType: item.event.type, payload: body, maxAttempts: r.config.max_attempts }));
      if (rows.length === 0) return Promise.resolve();
      enqueues = enqueues
        .then(() => options.repo.enqueue(rows))
        .then(() => kick())
        .catch((err: unknown) => options.print(`webhooks: event ${item.event.id} ${change} could not be queued: ${String(err)}`));
      return enqueues;
    },
    kick,
    async close() {
      closed = true;
      clearInterval(timer);
      await enqueues;
      for (const c of inFlight) c.abort(new Error('Vigie is stopping'));
      await round;
    },
  };
}
