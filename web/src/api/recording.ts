/**
 * Recordings, legal holds (judicial requisitions) and evidence exports:
 * shapes of the API and their TanStack Query hooks.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.js';
import type { EventsPage } from './types.js';
import { isShadowItem } from './types.js';

export interface RecordedSegment {
  id: string;
  start: string;
  end: string;
  duration_s: number;
  bytes: number;
}

export interface RecordingGapItem {
  start: string;
  end: string;
  /** stream_down, disk_full, vigie_stopped, lost_on_crash, ... */
  reason: string;
}

export interface RecordingsResponse {
  segments: RecordedSegment[];
  gaps: RecordingGapItem[];
}

export type RecordingState = 'recording' | 'stopped' | 'disk_full' | 'error';

export interface RecordingStatus {
  camera: string;
  state: RecordingState;
  since: string | null;
  lastSegmentAt: string | null;
  error: string | null;
}

/** Retention's disk alert: free space stays under recording.min_free_mb even after deleting unheld footage. */
export interface StorageAlert {
  level: 'warning' | 'critical';
  message: string;
  at: string;
}

/** `GET /api/recording/status`. */
export interface RecordingStatusReport {
  cameras: RecordingStatus[];
  storage: { alert: StorageAlert | null };
}

export interface Hold {
  id: string;
  caseRef: string;
  authority: string;
  cameras: string[];
  from: string;
  to: string;
  /** null: until released. */
  until: string | null;
  note: string | null;
  createdAt: string;
  createdBy: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
  /** active, released, or expired (its `until` passed). */
  status?: 'active' | 'released' | 'expired';
  /** Older shape of the contract: true while the hold protects footage. */
  active?: boolean;
}

/** Whether a hold protects footage now (either shape of the API). */
export function holdActive(h: Hold): boolean {
  return h.status !== undefined ? h.status === 'active' : h.active === true;
}

export interface HoldInput {
  caseRef: string;
  authority: string;
  cameras: string[];
  from: string;
  to: string;
  until: string | null;
  note?: string;
}

export interface EvidenceInput {
  camera: string;
  from: string;
  to: string;
  case?: string;
  reason: string;
  /** true: the unaltered original recordings (judicial requisition); default: blurred video. */
  original?: boolean;
}

export interface EvidenceResult {
  id: string;
  file: string;
  bytes: number;
  sha256: string;
  download: string;
}

export interface PublicKey {
  algorithm: string;
  publicKeyPem: string;
  fingerprint: string;
}

export const recKeys = {
  recordings: (camera: string, from: string, to: string) => ['recordings', camera, from, to] as const,
  events: (camera: string, from: string, to: string) => ['recording-events', camera, from, to] as const,
  status: ['recording-status'] as const,
  holds: ['holds'] as const,
  publicKey: ['public-key'] as const,
};

const enc = encodeURIComponent;

export function recordingsUrl(camera: string, from: string, to: string): string {
  return `/api/cameras/${enc(camera)}/recordings?from=${enc(from)}&to=${enc(to)}`;
}

export function playlistUrl(camera: string, from: string, to: string): string {
  return `/api/cameras/${enc(camera)}/recordings/playlist.m3u8?from=${enc(from)}&to=${enc(to)}`;
}

export function clipUrl(eventId: string, pre = 10, post = 10): string {
  return `/api/events/${enc(eventId)}/clip.m3u8?pre=${pre}&post=${post}`;
}

/** The event's clip, people blurred and privacy masks filled (MP4, `recordings.view`). */
export function blurredClipUrl(eventId: string, pre = 10, post = 10): string {
  return `/api/events/${enc(eventId)}/clip.mp4?pre=${pre}&post=${post}`;
}

/** Longest blurred footage the server renders at once. */
export const MAX_BLURRED_MS = 10 * 60_000;

/** A camera's footage over [from, to) (at most 10 minutes), people blurred and privacy masks filled (MP4). */
export function footageUrl(camera: string, from: string, to: string): string {
  return `/api/cameras/${enc(camera)}/footage.mp4?from=${enc(from)}&to=${enc(to)}`;
}

export function useRecordings(camera: string | undefined, from: string, to: string) {
  return useQuery({
    queryKey: recKeys.recordings(camera ?? '', from, to),
    queryFn: ({ signal }) => api<RecordingsResponse>('GET', recordingsUrl(camera ?? '', from, to), undefined, { signal }),
    enabled: !!camera,
    refetchInterval: 60_000,
  });
}

/** Events of one camera in a time range (markers on the timeline). */
export function useRangeEvents(camera: string | undefined, from: string, to: string, enabled = true) {
  return useQuery({
    queryKey: recKeys.events(camera ?? '', from, to),
    queryFn: async ({ signal }) => {
      const page = await api<EventsPage>('GET', `/api/events?camera=${enc(camera ?? '')}&from=${enc(from)}&to=${enc(to)}&limit=500`, undefined, { signal });
      return page.items.filter((i) => !isShadowItem(i));
    },
    enabled: !!camera && enabled,
    refetchInterval: 60_000,
  });
}

/** The status route may answer a bare list or a wrapped one: both are accepted. */
export function useRecordingStatus(enabled = true) {
  return useQuery({
    queryKey: recKeys.status,
    queryFn: ({ signal }) => api<RecordingStatusReport>('GET', '/api/recording/status', undefined, { signal }),
    enabled,
    refetchInterval: 15_000,
  });
}

export function useHolds(enabled = true) {
  return useQuery({
    queryKey: recKeys.holds,
    queryFn: ({ signal }) => api<{ items: Hold[] }>('GET', '/api/holds', undefined, { signal }),
    enabled,
    refetchInterval: 60_000,
  });
}

export function useCreateHold() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: HoldInput) => api<unknown>('POST', '/api/holds', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: recKeys.holds }),
  });
}

export function useReleaseHold() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => api<unknown>('POST', `/api/holds/${enc(id)}/release`, { reason }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: recKeys.holds }),
  });
}

export function useCreateEvidence() {
  return useMutation({
    mutationFn: (body: EvidenceInput) => api<EvidenceResult>('POST', '/api/evidence', body),
  });
}

export function usePublicKey(enabled = true) {
  return useQuery({
    queryKey: recKeys.publicKey,
    queryFn: ({ signal }) => api<PublicKey>('GET', '/api/system/public-key', undefined, { signal }),
    enabled,
    staleTime: Infinity,
  });
}

// ---- time helpers ----

/** `YYYY-MM-DDTHH:mm` in local time, for `<input type="datetime-local">`. */
export function toLocalInput(iso: string | number | Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** `YYYY-MM-DD` in local time, for `<input type="date">`. */
export function toLocalDate(iso: string | number | Date): string {
  return toLocalInput(iso).slice(0, 10);
}

/** A `datetime-local` or `date` value (local time) to ISO 8601 UTC; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value.length === 10 ? `${value}T00:00` : value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
