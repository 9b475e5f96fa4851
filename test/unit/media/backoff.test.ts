import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF } from '../../../src/media/backoff.js';

const policy = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };

describe('backoffDelayMs', () => {
  it('doubles from initialMs and caps at maxMs (no jitter draw)', () => {
    const noJitter = (): number => 0;
    expect([0, 1, 2, 3, 4, 5, 30].map((a) => backoffDelayMs(a, policy, noJitter))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('jitter shortens the delay by at most the jitter fraction', () => {
    expect(backoffDelayMs(2, policy, () => 0.999_999)).toBe(200);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(300);
  });

  it('default policy starts at half a second and caps at 30 s', () => {
    expect(backoffDelayMs(0, DEFAULT_BACKOFF, () => 0)).toBe(500);
    expect(backoffDelayMs(50, DEFAULT_BACKOFF, () => 0)).toBe(30_000);
  });
});
