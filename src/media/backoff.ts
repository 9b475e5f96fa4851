/** Reconnection delays: capped exponential backoff with jitter (pure; random is injected). */

export interface BackoffPolicy {
  /** Delay before the first retry. */
  readonly initialMs: number;
  /** Upper bound of the delay, so a camera that comes back is noticed within this long. */
  readonly maxMs: number;
  /** Growth per failed attempt. */
  readonly factor: number;
  /**
   * Fraction in [0,1] by which a delay is randomly shortened, so cameras that
   * dropped together (a switch reboot) do not all reconnect in the same instant.
   */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.3 });

/** Delay before retry number `attempt` (0 = first retry); `random` returns [0,1). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  return Math.round(base * (1 - policy.jitter * random()));
}
