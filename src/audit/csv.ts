/**
 * The audit log as CSV (RFC 4180): a header row, CRLF line ends, fields with a
 * comma, quote or line break quoted and their quotes doubled. A field a
 * spreadsheet would run as a formula (starting with =, +, -, @, tab or CR: a
 * username typed at a failed login is attacker-controlled) is prefixed with a
 * single quote.
 */
import type { AuditDetails } from '../store/audit-repository.js';

export interface AuditRow {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly actorName: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly details: AuditDetails;
}

export const AUDIT_CSV_COLUMNS = ['seq', 'at', 'actor', 'actor_name', 'action', 'target', 'details'] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: neutralised against formulas, quoted when it must be. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole document: header, then one line per entry; `details` as a JSON object. */
export function auditCsv(rows: readonly AuditRow[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push([r.seq, r.at, r.actor, r.actorName, r.action, r.target, JSON.stringify(r.details)].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
