import { describe, expect, it } from 'vitest';
import { checkCsrf, originAllowed } from '../../src/auth/csrf.js';
import { authorize } from '../../src/auth/guard.js';
import type { Authenticated } from '../../src/auth/sessions.js';
import type { Role } from '../../src/auth/roles.js';
import { hashToken, newToken, secretsEqual } from '../../src/auth/tokens.js';

const CSRF = 'k3V1ZzZxY2x3a2R0bWZzQ0VoV0Fmb3Bqc3F0dW1vYnY';

describe('checkCsrf', () => {
  it.each<[string, string | string[] | undefined, boolean, string]>([
    ['GET', undefined, true, 'safe method'],
    ['head', undefined, true, 'safe method, any case'],
    ['OPTIONS', 'junk', true, 'safe method ignores the header'],
    ['POST', CSRF, true, 'matching token'],
    ['delete', CSRF, true, 'matching token, lower-case method'],
    ['POST', undefined, false, 'missing header'],
    ['PUT', '', false, 'empty header'],
    ['PATCH', `${CSRF}x`, false, 'longer token'],
    ['POST', CSRF.slice(0, -1), false, 'shorter token'],
    ['POST', CSRF.toLowerCase(), false, 'case matters'],
    ['POST', [CSRF, CSRF], false, 'repeated header'],
  ])('%s with %j -> %s (%s)', (method, header, ok) => {
    expect(checkCsrf(method, header, CSRF).ok).toBe(ok);
  });

  it('says whether the token is missing or wrong', () => {
    expect(checkCsrf('POST', undefined, CSRF)).toEqual({ ok: false, reason: 'missing' });
    expect(checkCsrf('POST', 'nope', CSRF)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('never matches a session without a token', () => {
    expect(checkCsrf('POST', '', '').ok).toBe(false);
    expect(checkCsrf('POST', 'x', '').ok).toBe(false);
  });
});

describe('originAllowed', () => {
  const allowed = ['https://vigie.mairie.fr', 'http://localhost:8080'];
  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['https://vigie.mairie.fr', true],
    ['HTTPS://VIGIE.MAIRIE.FR', true],
    ['http://localhost:8080', true],
    ['http://localhost:8081', false],
    ['http://vigie.mairie.fr', false],
    ['https://evil.example', false],
    ['null', false],
  ])('%s -> %s', (origin, ok) => {
    expect(originAllowed(origin, allowed)).toBe(ok);
  });
});

describe('tokens', () => {
  it('are 32 random bytes in base64url, stored as hex SHA-256', () => {
    const token = newToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(newToken(() => Buffer.alloc(32, 1))).toBe(Buffer.alloc(32, 1).toString('base64url'));
  });

  it('compare equal only when identical', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
  });
});

describe('authorize', () => {
  const session = (role: Role): Authenticated => ({
    user: { id: 'u-1', username: 'marie', displayName: 'Marie', role },
    session: {
      tokenHash: 'h', userId: 'u-1', csrfToken: CSRF, createdAt: 'c', expiresAt: 'e', lastSeenAt: 'l', ip: null, userAgent: null,
    },
  });

  it('answers 401 without a session', () => {
    expect(authorize({ auth: null, permission: 'events.read', method: 'GET', csrfHeader: undefined })).toMatchObject({ ok: false, status: 401, code: 'AUTH_REQUIRED' });
    expect(authorize({ auth: null, permission: null, method: 'POST', csrfHeader: CSRF })).toMatchObject({ ok: false, status: 401 });
  });

  it('answers 403 CSRF_INVALID on a state change without the token, before the permission check', () => {
    expect(authorize({ auth: session('operator'), permission: 'events.act', method: 'POST', csrfHeader: undefined }))
      .toMatchObject({ ok: false, status: 403, code: 'CSRF_INVALID' });
    expect(authorize({ auth: session('operator'), permission: 'users.write', method: 'POST', csrfHeader: 'bad' }))
      .toMatchObject({ ok: false, status: 403, code: 'CSRF_INVALID' });
  });

  it('answers 403 FORBIDDEN when the role lacks the permission', () => {
    const result = authorize({ auth: session('operator'), permission: 'users.write', method: 'POST', csrfHeader: CSRF });
    expect(result).toMatchObject({ ok: false, status: 403, code: 'FORBIDDEN' });
    expect(authorize({ auth: session('admin'), permission: 'live.view', method: 'GET', csrfHeader: undefined }))
      .toMatchObject({ ok: false, status: 403, code: 'FORBIDDEN' });
  });

  it('lets through what the role allows, and any signed-in user where no permission is needed', () => {
    const auth = session('operator');
    expect(authorize({ auth, permission: 'events.act', method: 'POST', csrfHeader: CSRF })).toEqual({ ok: true, auth });
    expect(authorize({ auth, permission: 'events.read', method: 'GET', csrfHeader: undefined })).toEqual({ ok: true, auth });
    expect(authorize({ auth: session('admin'), permission: null, method: 'POST', csrfHeader: CSRF }).ok).toBe(true);
  });
});
