/**
 * GDPR right-of-access requests (DPO): shapes of the API and their TanStack
 * Query hooks. See docs/ACCESS-REQUESTS.md.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.js';

export type AccessRequestStatus = 'open' | 'answered' | 'refused' | 'withdrawn';

export interface AccessRequest {
  id: string;
  receivedAt: string;
  requesterRef: string;
  contact: string | null;
  camera: string;
  from: string;
  to: string;
  description: string;
  status: AccessRequestStatus;
  dueAt: string;
  answeredAt: string | null;
  answerNote: string | null;
  exportId: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  overdue: boolean;
}

export interface AccessRequestInput {
  receivedAt: string;
  requesterRef: string;
  contact?: string;
  camera: string;
  from: string;
  to: string;
  description: string;
}

/** One numbered person of a frame: normalised [x1, y1, x2, y2]. */
export interface NumberedBox {
  number: number;
  box: [number, number, number, number];
}

export interface PeopleFrame {
  at: string;
  segment: string;
  width: number;
  height: number;
  boxes: NumberedBox[];
}

export interface AccessExportResult {
  item: AccessRequest;
  export: { id: string; file: string; bytes: number; sha256: string; download: string };
}

const enc = encodeURIComponent;
const keys = {
  all: ['access-requests'] as const,
  frame: (id: string, at: string) => ['access-request-frame', id, at] as const,
};

export const accessFrameUrl = (id: string, at: string): string => `/api/access-requests/${enc(id)}/frame?at=${enc(at)}`;
export const evidenceDownloadUrl = (exportId: string): string => `/api/evidence/${enc(exportId)}/download`;

export function useAccessRequests() {
  return useQuery({
    queryKey: keys.all,
    queryFn: ({ signal }) => api<{ items: AccessRequest[] }>('GET', '/api/access-requests', undefined, { signal }),
    refetchInterval: 60_000,
  });
}

/** The numbered people at `at`; null: no time chosen yet. Each call is audited by the server. */
export function useAccessFrame(id: string, at: string | null) {
  return useQuery({
    queryKey: keys.frame(id, at ?? ''),
    queryFn: ({ signal }) => api<PeopleFrame>('GET', `/api/access-requests/${enc(id)}/frame.json?at=${enc(at ?? '')}`, undefined, { signal }),
    enabled: at !== null,
    staleTime: Infinity,
    retry: false,
  });
}

export function useCreateAccessRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AccessRequestInput) => api<{ item: AccessRequest }>('POST', '/api/access-requests', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useCloseAccessRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status, note }: { id: string; status: Exclude<AccessRequestStatus, 'open'>; note: string | null }) =>
      api<{ item: AccessRequest }>('PATCH', `/api/access-requests/${enc(id)}`, { status, note }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useExportAccessRequest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, subject }: { id: string; subject: { at: string; box: number } | null }) => api<AccessExportResult>('POST', `/api/access-requests/${enc(id)}/export`, { subject }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.all }),
  });
}
