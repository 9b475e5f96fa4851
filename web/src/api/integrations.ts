/**
 * MQTT and webhooks as the admin's Integrations screen reads them
 * (`GET /api/integrations`, the dead-letter list, retry and discard;
 * docs/INTEGRATIONS.md), with their TanStack Query hooks.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.js';
import type { EventType } from './types.js';

export interface DeliveryCounts {
  pending: number;
  delivered: number;
  dead: number;
  discarded: number;
}

export interface IntegrationsOverview {
  mqtt: { url: string; connected: boolean; queued: number; dropped: number; lastError: string | null } | null;
  webhooks: { id: string; url: string; active: boolean; problem: string | null; counts: DeliveryCounts }[];
}

export interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  change: 'opened' | 'updated' | 'closed';
  camera: string;
  eventType: EventType;
  status: 'pending' | 'delivered' | 'dead' | 'discarded';
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

const keys = { all: ['integrations'] as const, overview: ['integrations', 'overview'] as const, dead: ['integrations', 'dead'] as const };

export function useIntegrations() {
  return useQuery({
    queryKey: keys.overview,
    queryFn: ({ signal }) => api<IntegrationsOverview>('GET', '/api/integrations', undefined, { signal }),
    refetchInterval: 5_000,
  });
}

/** The dead-letter list: the 200 newest dead deliveries. */
export function useDeadLetters() {
  return useQuery({
    queryKey: keys.dead,
    queryFn: ({ signal }) => api<{ items: Delivery[]; nextCursor: string | null }>('GET', '/api/integrations/deliveries?status=dead&limit=200', undefined, { signal }),
    refetchInterval: 5_000,
  });
}

export function useDeliveryAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'retry' | 'discard' }) => api<{ item: Delivery }>('POST', `/api/integrations/deliveries/${encodeURIComponent(id)}/${action}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all }),
  });
}
