/**
 * The live feed: a WebSocket on /api/live that pushes committed events and camera
 * health. Messages update the TanStack Query cache in place; a new alert is
 * flagged as fresh (visual cue) and announced with a beep. Reconnects with
 * exponential backoff and refetches on reconnection so nothing missed while
 * disconnected stays missing.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { keys, updateHealth, upsertEventItem } from './queries.js';
import { isShadowItem, type EventItem, type LiveMessage } from './types.js';

export type LiveStatus = 'connecting' | 'open' | 'reconnecting';

// ---- fresh (just arrived) alerts, for the highlight ----
const FRESH_MS = 15_000;
let fresh: ReadonlySet<string> = new Set();
const freshListeners = new Set<() => void>();
function setFresh(next: ReadonlySet<string>): void {
  fresh = next;
  for (const l of freshListeners) l();
}
export function markFresh(id: string): void {
  setFresh(new Set([...fresh, id]));
  window.setTimeout(() => {
    const next = new Set(fresh);
    next.delete(id);
    setFresh(next);
  }, FRESH_MS);
}
export function useFreshIds(): ReadonlySet<string> {
  return useSyncExternalStore(
    (l) => {
      freshListeners.add(l);
      return () => freshListeners.delete(l);
    },
    () => fresh,
  );
}

function isLiveMessage(v: unknown): v is LiveMessage {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as { type?: unknown; item?: unknown; health?: unknown };
  if (m.type === 'event') return typeof m.item === 'object' && m.item !== null && 'event' in m.item;
  if (m.type === 'health') return typeof m.health === 'object' && m.health !== null;
  return false;
}

export function liveUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}/api/live`;
}

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

export function useLive(enabled: boolean, onNewAlert: (item: EventItem) => void): LiveStatus {
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const onNew = useRef(onNewAlert);
  useEffect(() => {
    onNew.current = onNewAlert;
  }, [onNewAlert]);

  useEffect(() => {
    if (!enabled) return;
    let ws: WebSocket | null = null;
    let timer: number | undefined;
    let attempt = 0;
    let stopped = false;
    let everOpened = false;

    const connect = () => {
      setStatus(everOpened ? 'reconnecting' : 'connecting');
      ws = new WebSocket(liveUrl());
      ws.onopen = () => {
        attempt = 0;
        setStatus('open');
        if (everOpened) {
          // Catch up with whatever happened while the socket was down.
          void qc.invalidateQueries({ queryKey: keys.eventsAll });
          void qc.invalidateQueries({ queryKey: keys.cameras });
        }
        everOpened = true;
      };
      ws.onmessage = (msg: MessageEvent<unknown>) => {
        if (typeof msg.data !== 'string') return;
        let data: unknown;
        try {
          data = JSON.parse(msg.data);
        } catch {
          return;
        }
        if (!isLiveMessage(data)) return;
        if (data.type === 'health') {
          updateHealth(qc, data.health);
          return;
        }
        // Shadow events (rules in observation mode) are never shown to operators, even if the server pushes one.
        if (isShadowItem(data.item)) return;
        const isNew = upsertEventItem(qc, data.item);
        if (data.change === 'opened' && isNew) {
          markFresh(data.item.event.id);
          onNew.current(data.item);
        }
      };
      ws.onclose = () => {
        ws = null;
        if (stopped) return;
        setStatus('reconnecting');
        const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        attempt += 1;
        timer = window.setTimeout(connect, delay);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      ws?.close();
    };
  }, [enabled, qc]);

  return status;
}
