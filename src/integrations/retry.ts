/**
 * When a failed webhook attempt is tried again, and whether it is tried at all
 * (docs/INTEGRATIONS.md, "Retries").
 */

/** Delays after the 1st, 2nd, ... failed attempt, in seconds; the last repeats. */
export const DEFAULT_RETRY_SCHEDULE_S: readonly number[] = [10, 30, 120, 600, 3600, 3 * 3600, 6 * 3600];

/** Share of a delay added or removed at random, so receivers coming back are not hit by every retry at once. */
export const RETRY_JITTER = 0.2;

/** Delay in ms before the attempt after `failedAttempts` failures (>= 1); `random` in [0, 1). */
export function retryDelayMs(failedAttempts: number, scheduleS: readonly number[] = DEFAULT_RETRY_SCHEDULE_S, random: () => number = Math.random): number {
  if (scheduleS.length === 0) throw new Error('the retry schedule is empty: give at least one delay');
  const base = scheduleS[Math.min(Math.max(failedAttempts, 1), scheduleS.length) - 1] as number;
  return Math.round(base * 1000 * (1 + RETRY_JITTER * (2 * random() - 1)));
}

/**
 * What an answer means: 2xx delivered; 4xx refused for good (the receiver will
 * not accept this payload later), except 408 (timeout) and 429 (slow down);
 * anything else (5xx, 3xx, no answer) is worth another attempt.
 */
export function classifyStatus(status: number): 'delivered' | 'dead' | 'retry' {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'dead';
  return 'retry';
}
