/** The signed-in session: who the user is, what they may do, and the CSRF token. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, onUnauthorized, setCsrfToken } from './api/client.js';
import type { Permission, Session } from './api/types.js';

interface SessionState {
  /** undefined while the first `GET /api/auth/me` is in flight. */
  session: Session | null | undefined;
  /** True when the user was sent back to the login screen by a 401 (expired or revoked session). */
  expired: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  can: (permission: Permission) => boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  const apply = useCallback((s: Session | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    setSession(s);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    api<Session>('GET', '/api/auth/me', undefined, { quiet401: true, signal: controller.signal })
      .then((s) => apply(s))
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        apply(null);
      });
    return () => controller.abort();
  }, [apply]);

  useEffect(() => {
    onUnauthorized(() => {
      apply(null);
      setExpired(true);
      qc.clear();
    });
    return () => onUnauthorized(null);
  }, [apply, qc]);

  const login = useCallback(
    async (username: string, password: string) => {
      const s = await api<Session>('POST', '/api/auth/login', { username, password }, { quiet401: true });
      qc.clear();
      setExpired(false);
      apply(s);
    },
    [apply, qc],
  );

  const logout = useCallback(async () => {
    try {
      await api<undefined>('POST', '/api/auth/logout', undefined, { quiet401: true });
    } finally {
      qc.clear();
      setExpired(false);
      apply(null);
      // The next person to sign in starts on their own home screen.
      window.location.hash = '#/';
    }
  }, [apply, qc]);

  const value = useMemo<SessionState>(
    () => ({
      session,
      expired,
      login,
      logout,
      can: (p) => !!session && session.permissions.includes(p),
    }),
    [session, expired, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
