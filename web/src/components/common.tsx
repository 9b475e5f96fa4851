/** Small shared pieces: severity and camera-state badges, toasts, the clock tick, preferences. */
import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Alert, Badge, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { isApiError } from '../api/client.js';
import type { CameraState, EventItem, Severity } from '../api/types.js';
import { useI18n, type TKey } from '../i18n.js';

/** One colour per severity everywhere: high red, medium orange, low yellow. */
export const SEVERITY_COLOR: Record<Severity, string> = { high: 'red', medium: 'orange', low: 'yellow' };

export const STATE_COLOR: Record<CameraState, string> = {
  running: 'green',
  starting: 'blue',
  degraded: 'orange',
  offline: 'red',
  disabled: 'gray',
};

export function SeverityBadge({ severity, size = 'lg' }: { severity: Severity; size?: 'md' | 'lg' | 'xl' }) {
  const { t } = useI18n();
  return (
    <Badge color={SEVERITY_COLOR[severity]} variant="filled" size={size} radius="sm" data-testid="severity-badge" data-severity={severity}>
      {t(`severity.${severity}`)}
    </Badge>
  );
}

export function StateBadge({ state }: { state: CameraState }) {
  const { t } = useI18n();
  return (
    <Badge color={STATE_COLOR[state]} variant="filled" size="lg" radius="sm" data-testid="camera-state" data-state={state}>
      {t(`state.${state}`)}
    </Badge>
  );
}

/** Zone or line an event happened on, from `event.details`. */
export function whereOf(item: EventItem): string {
  const d = item.event.details;
  const zone = typeof d.zone === 'string' ? d.zone : null;
  const line = typeof d.line === 'string' ? d.line : null;
  return zone ?? line ?? '—';
}

/** Re-renders every `ms` so relative times ("2 min ago") stay true. */
export function useNow(ms = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}

export function Loading() {
  const { t } = useI18n();
  return (
    <Center p="xl" role="status">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" variant="light" role="alert" title={t('common.error', { message })}>
      {onRetry && (
        <Button size="xs" variant="outline" color="red" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </Alert>
  );
}

/** Why a form's request failed: "not allowed" for a 403, the server's message otherwise. */
export function RequestError({ error, testid }: { error: Error; testid: string }) {
  const { t } = useI18n();
  return (
    <Alert color="red" variant="light" role="alert" data-testid={testid}>
      {isApiError(error, 403) ? t('common.forbidden') : t('common.error', { message: error.message })}
    </Alert>
  );
}

// ---- preferences (localStorage) ----
function usePersisted(key: string, initial: boolean): [boolean, (v: boolean) => void] {
  const [value, setValue] = useState<boolean>(() => {
    try {
      const v = window.localStorage.getItem(key);
      return v === null ? initial : v === '1';
    } catch {
      return initial;
    }
  });
  return [
    value,
    (v) => {
      setValue(v);
      try {
        window.localStorage.setItem(key, v ? '1' : '0');
      } catch {
        // not remembered
      }
    },
  ];
}

export function useMuted(): [boolean, (v: boolean) => void] {
  return usePersisted('vigie.muted', false);
}

// ---- toasts ----
export interface Toast {
  id: number;
  color: string;
  text: string;
}
let toasts: readonly Toast[] = [];
let nextToast = 1;
const toastListeners = new Set<() => void>();
function emitToasts(next: readonly Toast[]) {
  toasts = next;
  for (const l of toastListeners) l();
}
export function toast(text: string, color = 'blue', ms = 5_000): void {
  const id = nextToast++;
  emitToasts([...toasts.slice(-3), { id, color, text }]);
  window.setTimeout(() => emitToasts(toasts.filter((x) => x.id !== id)), ms);
}

export function Toasts() {
  const list = useSyncExternalStore(
    (l) => {
      toastListeners.add(l);
      return () => toastListeners.delete(l);
    },
    () => toasts,
  );
  return (
    <Stack gap="xs" style={{ position: 'fixed', left: 16, bottom: 16, zIndex: 1000, width: 360 }} role="status" aria-live="polite" data-testid="toasts">
      {list.map((x) => (
        <Alert key={x.id} color={x.color} variant="filled" withCloseButton={false} data-testid="toast">
          <Text size="md" fw={600}>
            {x.text}
          </Text>
        </Alert>
      ))}
    </Stack>
  );
}

export function Forbidden() {
  const { t } = useI18n();
  return (
    <Alert color="orange" variant="light" role="alert" data-testid="forbidden">
      {t('common.forbidden')}
    </Alert>
  );
}

export function Labeled({ label, children }: { label: TKey; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      <Text component="dt" c="dimmed" size="sm">
        {t(label)}
      </Text>
      <Text component="dd" size="md" m={0} mb={6}>
        {children}
      </Text>
    </>
  );
}
