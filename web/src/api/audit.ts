/**
 * The audit log as the console reads it (`GET /api/audit`, docs/AUDIT.md): the
 * entry shape, the actions the console names in words, and the pure pieces of
 * the DPO's screen (filters to query strings, paging by time). No React here,
 * so unit tests can import it.
 */

export type AuditDetailValue = string | number | boolean | null;

/** One entry of `GET /api/audit`. */
export interface AuditItem {
  seq: number;
  at: string;
  /** A user id, `system` or `anonymous`. */
  actor: string;
  /** The username when the actor is a user. */
  actorName: string | null;
  action: string;
  target: string | null;
  details: Record<string, AuditDetailValue>;
}

export interface AuditPage {
  items: AuditItem[];
}

/** Every action the server writes today, in the order of docs/AUDIT.md; each has a label in i18n.tsx (`audit.action.<action>`). */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'live.view',
  'recording.view',
  'camera.add',
  'camera.update',
  'camera.delete',
  'config.save',
  'user.create',
  'user.role_change',
  'user.disable',
  'user.enable',
  'user.update',
  'hold.create',
  'hold.release',
  'evidence.export',
  'evidence.export_refused',
  'evidence.download',
  'access_request.create',
  'access_request.frame_view',
  'access_request.export',
  'access_request.answer',
  'access_request.refuse',
  'access_request.withdraw',
  'auth.locked',
  'auth.unlocked',
  'auth.sessions_revoked',
  'user.password_change',
  'user.password_change_failed',
  'compliance.report',
  'report.generate',
  'report.download',
  'incident.create',
  'incident.update',
  'incident.delete',
  'webhook.retry',
  'webhook.discard',
  'retention.run',
  'retention.skipped',
  'recording.reconcile',
  'audit.export',
  'audit.anchor',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isKnownAction(action: string): action is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

/** The actors that are not user accounts. */
export const SYSTEM_ACTORS = ['system', 'anonymous'] as const;

/** The screen's filters, as the API takes them; times are ISO 8601 UTC. */
export interface AuditFilters {
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
}

/** Entries per page of the screen; the API allows up to 1000. */
export const AUDIT_PAGE_SIZE = 100;
/** One CSV export holds at most this many entries (the API's maximum). */
export const AUDIT_CSV_LIMIT = 1000;

/** `?action=…&actor=…` for the filters that are set (trimmed, empty ones left out), plus `extra`. */
export function auditQuery(filters: AuditFilters, extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams();
  for (const key of ['action', 'actor', 'from', 'to'] as const) {
    const value = filters[key]?.trim();
    if (value) q.set(key, value);
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The CSV export of what the screen shows: same filters, as many entries as one export allows. */
export function auditCsvHref(filters: AuditFilters): string {
  return `/api/audit.csv${auditQuery(filters, { limit: AUDIT_CSV_LIMIT })}`;
}

/**
 * The API has no cursor: the next page asks for entries before the oldest one
 * shown. `to` is exclusive and several entries can share a millisecond, so it
 * asks up to 1 ms later and `mergePages` drops what is already shown.
 * Null when the last page was not full (nothing older matches).
 */
export function nextPageTo(page: readonly AuditItem[], pageSize: number): string | null {
  if (page.length < pageSize) return null;
  const oldest = page.reduce((min, e) => (e.seq < min.seq ? e : min));
  const ms = Date.parse(oldest.at);
  return Number.isNaN(ms) ? null : new Date(ms + 1).toISOString();
}

/** The entries of every page loaded, newest first, each once. */
export function mergePages(pages: readonly (readonly AuditItem[])[]): AuditItem[] {
  const seen = new Set<number>();
  const all: AuditItem[] = [];
  for (const page of pages) {
    for (const e of page) {
      if (seen.has(e.seq)) continue;
      seen.add(e.seq);
      all.push(e);
    }
  }
  return all.sort((a, b) => b.seq - a.seq);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Details as one compact line, `key: value · key: value`, keys in alphabetical
 * order (as the chain hashes them); times shown with `formatTime` (local time).
 */
export function formatDetails(details: Readonly<Record<string, AuditDetailValue>>, formatTime: (iso: string) => string): string {
  return Object.keys(details)
    .sort()
    .map((key) => {
      const v = details[key];
      const shown = v === null || v === undefined ? '—' : typeof v === 'string' && ISO_TIME.test(v) ? formatTime(v) : String(v);
      return `${key}: ${shown}`;
    })
    .join(' · ');
}
