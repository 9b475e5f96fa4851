import type { WebSocket } from 'ws';
import { can, type Permission } from '../auth/roles.js';
import type { Authenticated } from '../auth/sessions.js';
import type { CameraHealth } from '../pipeline/health.js';
import type { EventAction } from '../store/event-repository.js';
import type { StoredEvent } from '../store/event-codec.js';

/** A message pushed on /api/live (docs/API.md). */
export type LiveMessage =
  | { readonly type: 'event'; readonly change: 'opened' | 'updated' | 'closed' | 'action'; readonly item: StoredEvent; readonly action?: EventAction }
  | { readonly type: 'health'; readonly health: CameraHealth };

const NEEDS: Record<LiveMessage['type'], Permission> = { event: 'events.read', health: 'cameras.read' };

/** Slow clients are cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface LiveHub {
  add(socket: WebSocket, auth: Authenticated): void;
  broadcast(message: LiveMessage): void;
  size(): number;
  /** Clients cut off since the start because they fell too far behind (metrics). */
  slowClientsDisconnected(): number;
  closeAll(): void;
}

/** The logged-in consoles listening on /api/live; each gets only what its role may see. */
export function createLiveHub(): LiveHub {
  const clients = new Map<WebSocket, Authenticated>();
  let slowDisconnected = 0;
  return {
    add(socket, auth) {
      clients.set(socket, auth);
      socket.on('close', () => clients.delete(socket));
      socket.on('error', () => clients.delete(socket));
    },
    broadcast(message) {
      const text = JSON.stringify(message);
      for (const [socket, auth] of clients) {
        if (!can(auth.user.role, NEEDS[message.type])) continue;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.terminate();
          clients.delete(socket);
          slowDisconnected++;
          continue;
        }
        socket.send(text);
      }
    },
    size: () => clients.size,
    slowClientsDisconnected: () => slowDisconnected,
    closeAll() {
      for (const socket of clients.keys()) socket.close(1001, 'server stopping');
      clients.clear();
    },
  };
}
