import { describe, expect, it } from 'vitest';
import { addressKey, createLoginRateLimiter } from '../../src/auth/rate-limit.js';
import type { LoginRateLimiter } from '../../src/auth/rate-limit.js';

const MINUTE = 60_000;

function setup(extra: Partial<Parameters<typeof createLoginRateLimiter>[0]> = {}): { limiter: LoginRateLimiter; clock: { t: number } } {
  const clock = { t: 1_000_000 };
  return { limiter: createLoginRateLimiter({ now: () => clock.t, ...extra }), clock };
}

function fail(limiter: LoginRateLimiter, n: number, user = 'marie', ip = '10.0.0.1') {
  let last = limiter.check(user, ip);
  for (let i = 0; i < n; i += 1) last = limiter.recordFailure(user, ip);
  return last;
}

describe('login rate limiter', () => {
  it('allows 4 failures, locks at the 5th for one minute', () => {
    const { limiter, clock } = setup();
    expect(fail(limiter, 4)).toEqual({ allowed: true });
    expect(limiter.check('marie', '10.0.0.1')).toEqual({ allowed: true });
    expect(fail(limiter, 1)).toEqual({ allowed: false, retryAfterS: 60 });
    clock.t += 45_000;
    expect(limiter.check('marie', '10.0.0.1')).toEqual({ allowed: false, retryAfterS: 15 });
    clock.t += 15_000;
    expect(limiter.check('marie', '10.0.0.1')).toEqual({ allowed: true });
  });

  it('doubles each further lockout, up to the cap', () => {
    const { limiter, clock } = setup({ maxLockoutMs: 5 * MINUTE });
    const lockouts: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const d = fail(limiter, 5);
      if (d.allowed) throw new Error('expected a lockout');
      lockouts.push(d.retryAfterS);
      clock.t += d.retryAfterS * 1000;
    }
    expect(lockouts).toEqual([60, 120, 240, 300, 300]);
  });

  it('forgets a key a full window after its last failure', () => {
    const { limiter, clock } = setup();
    fail(limiter, 5);
    clock.t += MINUTE + 15 * MINUTE;
    expect(fail(limiter, 5)).toEqual({ allowed: false, retryAfterS: 60 }); // back to the first lockout length
  });

  it('counts failures in a window: spread-out failures never lock', () => {
    const { limiter, clock } = setup();
    for (let i = 0; i < 20; i += 1) {
      expect(fail(limiter, 4).allowed).toBe(true);
      clock.t += 15 * MINUTE;
    }
  });

  it('clears the username+address key on success', () => {
    const { limiter } = setup();
    fail(limiter, 4);
    limiter.recordSuccess('MARIE', '10.0.0.1');
    expect(fail(limiter, 4)).toEqual({ allowed: true });
  });

  it('keys usernames case-insensitively', () => {
    const { limiter } = setup();
    fail(limiter, 3, 'Marie');
    expect(fail(limiter, 2, ' marie ').allowed).toBe(false);
  });

  it('locks an address that sprays many usernames', () => {
    const { limiter } = setup();
    for (let i = 0; i < 29; i += 1) expect(limiter.recordFailure(`user${i}`, '10.0.0.66').allowed).toBe(true);
    expect(limiter.recordFailure('user29', '10.0.0.66')).toEqual({ allowed: false, retryAfterS: 60 });
    expect(limiter.check('someone-else', '10.0.0.66').allowed).toBe(false);
    expect(limiter.check('someone-else', '10.0.0.67').allowed).toBe(true);
  });

  it('locks a username guessed from many addresses, without locking other users', () => {
    const { limiter } = setup();
    for (let i = 0; i < 19; i += 1) expect(limiter.recordFailure('marie', `10.0.1.${i}`).allowed).toBe(true);
    expect(limiter.recordFailure('marie', '10.0.1.200').allowed).toBe(false);
    expect(limiter.check('marie', '10.0.2.1').allowed).toBe(false);
    expect(limiter.check('paul', '10.0.2.1').allowed).toBe(true);
  });

  it('treats an IPv6 /64 as one address', () => {
    const { limiter } = setup();
    for (let i = 1; i <= 5; i += 1) limiter.recordFailure('marie', `2001:db8:1:2::${i.toString(16)}`);
    expect(limiter.check('marie', '2001:db8:1:2:ffff:ffff:ffff:ffff').allowed).toBe(false);
    expect(limiter.check('marie', '2001:db8:1:3::1').allowed).toBe(true);
  });

  it('stays bounded under 100 000 distinct addresses, and the flood cannot evict a username\'s lock', () => {
    const { limiter, clock } = setup({ maxEntriesPerScope: 1000 });
    for (let i = 0; i < 20; i += 1) limiter.recordFailure('marie', `10.0.3.${i}`); // 'marie' locked by the username scope
    let maxSeen = 0;
    for (let i = 0; i < 100_000; i += 1) {
      limiter.recordFailure('flood', `100.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      if (i % 1000 === 0) {
        const s = limiter.sizes();
        maxSeen = Math.max(maxSeen, s.address, s.userAddress, s.user);
      }
      if (i % 10_000 === 0) clock.t += 1000;
    }
    const sizes = limiter.sizes();
    expect(Math.max(maxSeen, sizes.address, sizes.userAddress)).toBeLessThanOrEqual(1000);
    expect(sizes.user).toBe(2);
    expect(limiter.check('marie', '192.0.2.1').allowed).toBe(false);
  });

  it('evicts stale entries once the clock has moved on', () => {
    const { limiter, clock } = setup({ maxEntriesPerScope: 100 });
    for (let i = 0; i < 100; i += 1) limiter.recordFailure(`u${i}`, `10.0.0.${i}`);
    clock.t += 16 * MINUTE;
    limiter.recordFailure('late', '10.0.1.1');
    expect(limiter.sizes()).toEqual({ userAddress: 1, address: 1, user: 1 });
  });
});

describe('addressKey', () => {
  it.each<[string, string]>([
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s -> %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
