/**
 * Full check of the audit trail: the hash chain (each entry's hash over the
 * previous one) and every signed anchor. Names the first entry that breaks the
 * chain, saying whether it was deleted, edited or moved, and every anchor whose
 * signature fails or whose anchored hash the trail no longer has.
 */
import type { KeyObject } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { keyFingerprint, verifySignature } from '../evidence/instance-key.js';
import { AUDIT_GENESIS_HASH, auditHash, type AuditDetails } from '../store/audit-repository.js';
import type { AuditLogTable, Database } from '../store/schema.js';
import { ANCHOR_ACTION, anchorMessage } from './anchor.js';

export interface ChainBreak {
  readonly seq: number;
  readonly kind: 'deleted' | 'edited' | 'reordered' | 'unchained';
  readonly message: string;
}

export interface AuditCheck {
  readonly ok: boolean;
  readonly entries: number;
  /** Anchors whose signature and anchored hash both check out. */
  readonly anchorsVerified: number;
  /** The first entry that breaks the chain; null when the chain is intact. */
  readonly chainBreak: ChainBreak | null;
  /** One line per anchor that does not check out. */
  readonly anchorProblems: readonly string[];
}

type Row = Selectable<AuditLogTable>;

const PAGE = 1000;

function parseDetails(row: Row): AuditDetails | null {
  try {
    const value: unknown = JSON.parse(row.details);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
    return value as AuditDetails;
  } catch {
    return null;
  }
}

const hashOf = (row: Row, details: AuditDetails, seq = row.seq): string =>
  auditHash(row.prev_hash, { seq, at: row.at, actor: row.actor, action: row.action, target: row.target, details });

/** How far from its place a moved row is looked for (hashing 2 000 candidates costs about a millisecond). */
const REORDER_WINDOW = 1000;

/** Where a row whose hash does not match came from: a moved row's hash still checks out under the seq it was written with. */
function originalSeq(row: Row, details: AuditDetails): number | null {
  for (let seq = Math.max(1, row.seq - REORDER_WINDOW); seq <= row.seq + REORDER_WINDOW; seq += 1) {
    if (seq !== row.seq && hashOf(row, details, seq) === row.hash) return seq;
  }
  return null;
}

function checkRow(row: Row, expectedPrev: string): ChainBreak | null {
  const details = parseDetails(row);
  if (!details) return { seq: row.seq, kind: 'edited', message: `entry ${row.seq} was edited: its details are not a JSON object` };
  if (hashOf(row, details) !== row.hash) {
    const from = originalSeq(row, details);
    if (from !== null) return { seq: row.seq, kind: 'reordered', message: `entry ${row.seq} is out of order: it was written as entry ${from} (rows were reordered)` };
    return { seq: row.seq, kind: 'edited', message: `entry ${row.seq} was edited: its content no longer matches its hash` };
  }
  if (row.prev_hash !== expectedPrev) {
    return { seq: row.seq, kind: 'unchained', message: `entry ${row.seq} does not follow entry ${row.seq - 1}: an entry before it was replaced or rewritten` };
  }
  return null;
}

async function checkAnchor(db: Kysely<Database>, anchor: Row, publicKey: KeyObject | null): Promise<string | null> {
  const where = `anchor ${anchor.seq}`;
  const d = parseDetails(anchor);
  const seq = d?.seq;
  const hash = d?.hash;
  const signature = d?.signature;
  if (typeof seq !== 'number' || typeof hash !== 'string' || typeof signature !== 'string') return `${where}: its details lack seq, hash or signature (edited)`;
  if (!publicKey) return `${where}: cannot check its signature without the instance public key (pass --key <pem>, or restore <data>/keys)`;
  const fingerprint = keyFingerprint(publicKey);
  if (d?.key_fingerprint !== fingerprint) return `${where}: signed by key ${String(d?.key_fingerprint)}, not by this instance's key ${fingerprint}`;
  if (!verifySignature(publicKey, anchorMessage(seq, hash), Buffer.from(signature, 'base64'))) return `${where}: its signature does not verify (the anchor was forged or edited)`;
  const anchored = await db.selectFrom('audit_log').select('hash').where('seq', '=', seq).executeTakeFirst();
  if (!anchored) return `${where}: entry ${seq} it anchors is missing (deleted)`;
  if (anchored.hash !== hash) return `${where}: entry ${seq} no longer has the hash it was anchored with (the chain was rewritten up to it)`;
  return null;
}

/** Checks the whole trail, in pages (bounded memory on a long trail). */
export async function checkAuditLog(db: Kysely<Database>, publicKey: KeyObject | null): Promise<AuditCheck> {
  let expectedSeq = 1;
  let expectedPrev = AUDIT_GENESIS_HASH;
  let entries = 0;
  let chainBreak: ChainBreak | null = null;
  const anchors: Row[] = [];
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(PAGE).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      entries += 1;
      if (row.action === ANCHOR_ACTION) anchors.push(row);
      if (chainBreak) continue;
      if (row.seq !== expectedSeq) {
        chainBreak = { seq: expectedSeq, kind: 'deleted', message: `entry ${expectedSeq} is missing (deleted)` };
        continue;
      }
      chainBreak = checkRow(row, expectedPrev);
      expectedPrev = row.hash;
      expectedSeq += 1;
    }
    after = rows[rows.length - 1]?.seq ?? after;
  }
  const anchorProblems: string[] = [];
  for (const anchor of anchors) {
    const problem = await checkAnchor(db, anchor, publicKey);
    if (problem) anchorProblems.push(problem);
  }
  return { ok: chainBreak === null && anchorProblems.length === 0, entries, anchorsVerified: anchors.length - anchorProblems.length, chainBreak, anchorProblems };
}

/** The lines `vigie audit verify` prints. */
export function formatAuditCheck(check: AuditCheck): string[] {
  if (check.ok) return [`audit log intact: ${check.entries} entries, ${check.anchorsVerified} anchors verified`];
  const lines = [`audit log NOT intact (${check.entries} entries, ${check.anchorsVerified} anchors verified):`];
  if (check.chainBreak) lines.push(`  first bad entry: ${check.chainBreak.message}`);
  for (const problem of check.anchorProblems) lines.push(`  ${problem}`);
  return lines;
}
