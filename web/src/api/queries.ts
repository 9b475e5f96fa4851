/** TanStack Query hooks and the cache updates shared by actions and the live feed. */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from './client.js';
import { isShadowItem } from './types.js';
import type {
  ActionBody,
  CameraConfig,
  CameraHealth,
  CameraInput,
  CamerasResponse,
  ConfigResponse,
  EventAction,
  EventDetail,
  EventFilters,
  EventItem,
  EventsPage,
  CountsResponse,
  Severity,
  User,
  VigieConfig,
} from './types.js';

export const keys = {
  events: (f: EventFilters) => ['events', f] as const,
  eventsAll: ['events'] as const,
  event: (id: string) => ['event', id] as const,
  cameras: ['cameras'] as const,
  config: ['config'] as const,
  users: ['users'] as const,
  counts: (camera: string, rule: string | undefined, rangeMs: number) => ['counts', camera, rule ?? '', rangeMs] as const,
};

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Shadow events (rules in observation mode) are never for operators. The API
 * leaves them out unless asked (`?shadow=true`); this drops any that still
 * arrive, so the queue can never show one.
 */
function withoutShadow(page: EventsPage): EventsPage {
  const items = page.items.filter((i) => !isShadowItem(i));
  return items.length === page.items.length ? page : { ...page, items, total: Math.max(items.length, page.total - (page.items.length - items.length)) };
}

export function useEvents(filters: EventFilters, enabled = true) {
  return useQuery({
    queryKey: keys.events(filters),
    queryFn: async ({ signal }) =>
      withoutShadow(
        await api<EventsPage>('GET', `/api/events${query({ camera: filters.camera, type: filters.type, status: filters.status, limit: filters.limit })}`, undefined, { signal }),
      ),
    enabled,
    // The live feed keeps the list current; this is a safety net for a missed message.
    refetchInterval: 60_000,
  });
}

export function useEvent(id: string) {
  return useQuery({
    queryKey: keys.event(id),
    queryFn: ({ signal }) => api<EventDetail>('GET', `/api/events/${encodeURIComponent(id)}`, undefined, { signal }),
  });
}

export function useCameras(enabled = true) {
  return useQuery({
    queryKey: keys.cameras,
    queryFn: ({ signal }) => api<CamerasResponse>('GET', '/api/cameras', undefined, { signal }),
    enabled,
    refetchInterval: 30_000,
  });
}

export function useConfig(enabled = true) {
  return useQuery({
    queryKey: keys.config,
    queryFn: ({ signal }) => api<ConfigResponse>('GET', '/api/config', undefined, { signal }),
    enabled,
    staleTime: Infinity,
  });
}

export function useUsers(enabled = true) {
  return useQuery({
    queryKey: keys.users,
    queryFn: ({ signal }) => api<{ users: User[] }>('GET', '/api/users', undefined, { signal }),
    enabled,
  });
}

const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** The alert queue's order, as the API returns it: severity high first, then newest first. */
export function compareItems(a: EventItem, b: EventItem): number {
  const s = SEVERITY_RANK[a.event.severity] - SEVERITY_RANK[b.event.severity];
  if (s !== 0) return s;
  return b.event.start_time.localeCompare(a.event.start_time);
}

export function matchesFilters(item: EventItem, f: EventFilters): boolean {
  if (f.camera && item.event.camera !== f.camera) return false;
  if (f.type && item.event.type !== f.type) return false;
  switch (f.status) {
    case 'open':
      return item.status === 'open';
    case 'closed':
      return item.status === 'closed';
    case 'unacknowledged':
      return item.acknowledgedAt === null;
    case 'acknowledged':
      return item.acknowledgedAt !== null;
    case 'qualified':
      return item.qualification !== null;
    default:
      return true;
  }
}

/**
 * Puts a new or changed event item into every cached queue (respecting each
 * queue's filters and order) and into its detail view. Returns true when the
 * event was not known to any cached queue before (a new alert).
 */
export function upsertEventItem(qc: QueryClient, item: EventItem, action?: EventAction): boolean {
  // A shadow event never enters a queue and is never announced.
  if (isShadowItem(item)) return false;
  let isNew = true;
  for (const [key, page] of qc.getQueriesData<EventsPage>({ queryKey: keys.eventsAll })) {
    if (!page) continue;
    const filters = (key[1] ?? {}) as EventFilters;
    const idx = page.items.findIndex((i) => i.event.id === item.event.id);
    if (idx >= 0) isNew = false;
    const matches = matchesFilters(item, filters);
    let items = page.items;
    let total = page.total;
    if (idx >= 0 && matches) {
      items = items.map((i, n) => (n === idx ? item : i));
    } else if (idx >= 0 && !matches) {
      items = items.filter((_, n) => n !== idx);
      total = Math.max(0, total - 1);
    } else if (idx < 0 && matches) {
      items = [...items, item].sort(compareItems);
      total += 1;
      const limit = filters.limit ?? 50;
      if (items.length > limit) items = items.slice(0, limit);
    } else {
      continue;
    }
    qc.setQueryData<EventsPage>(key, { ...page, items, total });
  }
  qc.setQueryData<EventDetail>(keys.event(item.event.id), (old) => {
    if (!old) return old;
    const actions = action && !old.actions.some((a) => a.id === action.id) ? [...old.actions, action] : old.actions;
    return { item, actions };
  });
  return isNew;
}

export function updateHealth(qc: QueryClient, health: CameraHealth): void {
  qc.setQueryData<CamerasResponse>(keys.cameras, (old) => {
    if (!old) return old;
    return { cameras: old.cameras.map((c) => (c.camera.id === health.camera ? { ...c, health } : c)) };
  });
}

export function useEventAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ActionBody }) =>
      api<{ item: EventItem; action: EventAction }>('POST', `/api/events/${encodeURIComponent(id)}/actions`, body),
    onSuccess: ({ item, action }) => {
      upsertEventItem(qc, item, action);
      void qc.invalidateQueries({ queryKey: keys.event(item.event.id) });
    },
  });
}

export function useSaveConfig() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { config: VigieConfig; baseVersion: number; comment?: string }) => api<{ version: number }>('PUT', '/api/config', body),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.config });
      void qc.invalidateQueries({ queryKey: keys.cameras });
    },
  });
}

/** After any camera change the wall, the zone editor and this list must see the new configuration. */
function invalidateCameraViews(qc: QueryClient): void {
  void qc.invalidateQueries({ queryKey: keys.cameras });
  void qc.invalidateQueries({ queryKey: keys.config });
}

export function useCreateCamera() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (camera: CameraInput) => api<{ version: number }>('POST', '/api/cameras', { camera }),
    onSuccess: () => invalidateCameraViews(qc),
  });
}

/** Replaces a camera's settings: send the whole camera from GET /api/cameras (zones, lines, masks, rules, masked source) with the edited fields. */
export function useUpdateCamera() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (camera: CameraConfig) => api<{ version: number }>('PUT', `/api/cameras/${encodeURIComponent(camera.id)}`, { camera }),
    onSuccess: () => invalidateCameraViews(qc),
  });
}

export function useDeleteCamera() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<{ version: number }>('DELETE', `/api/cameras/${encodeURIComponent(id)}`),
    onSuccess: () => invalidateCameraViews(qc),
  });
}

/** Time span of the statistics screen presets, in milliseconds. */
export function useCounts(camera: string | undefined, rule: string | undefined, rangeMs: number) {
  return useQuery({
    queryKey: keys.counts(camera ?? '', rule, rangeMs),
    queryFn: async ({ signal }) => {
      const to = new Date();
      const from = new Date(to.getTime() - rangeMs);
      const data = await api<CountsResponse>(
        'GET',
        `/api/cameras/${encodeURIComponent(camera ?? '')}/counts${query({ from: from.toISOString(), to: to.toISOString(), rule })}`,
        undefined,
        { signal },
      );
      return { ...data, from: from.toISOString(), to: to.toISOString() };
    },
    enabled: !!camera,
    // Buckets close every 5 minutes: refreshing each minute is plenty.
    refetchInterval: 60_000,
    retry: 1,
  });
}
