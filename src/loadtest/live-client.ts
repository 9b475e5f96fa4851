/**
 * A console as the server sees one: logs in over HTTP like the web console
 * (`POST /api/auth/login`, session cookie) and listens on the /api/live WebSocket.
 */
import { WebSocket, type RawData } from 'ws';
import { SESSION_COOKIE } from '../auth/sessions.js';
import type { LiveMessage } from '../server/live-hub.js';

/** Logs in and returns the `cookie` header value that carries the session. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login as ${username} refused: HTTP ${res.status} ${await res.text()}`);
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!session) throw new Error('login answered without a session cookie');
  return session;
}

export interface LiveClient {
  /** Closes the socket; resolves once it is closed. */
  close(): Promise<void>;
}

/**
 * Opens /api/live with the session cookie; `onMessage` gets every message with the
 * wall-clock time (Date.now) it was received. Resolves once the socket is open.
 */
export function openLiveClient(baseUrl: string, cookie: string, onMessage: (message: LiveMessage, receivedMs: number) => void): Promise<LiveClient> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/live`, { headers: { cookie } });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('message', (data: RawData) => {
    const receivedMs = Date.now();
    onMessage(JSON.parse(rawText(data)) as LiveMessage, receivedMs);
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.off('error', reject);
      // Errors after the socket opened end in 'close', which `close()` waits for.
      socket.on('error', () => undefined);
      resolve({
        close: async () => {
          if (socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'bench done');
          await closed;
        },
      });
    });
    socket.once('error', reject);
  });
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
