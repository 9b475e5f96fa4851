/**
 * Audit anchors: the hash of the latest audit entry, signed with the instance
 * Ed25519 key and stored in the trail itself as an `audit.anchor` entry.
 *
 * The hash chain alone shows an edit, a deletion or a reordering, but someone
 * with write access to the database could rewrite every entry from the first
 * one and recompute every hash. A signed anchor pins the hash an entry had when
 * it was anchored: a rewritten chain no longer matches it, and a new signature
 * needs the instance's private key.
 */
import { loadInstanceKey } from '../evidence/instance-key.js';
import type { AuditEntry, AuditRepository } from '../store/audit-repository.js';
import { SYSTEM_ACTOR } from '../store/audit-repository.js';

export const ANCHOR_ACTION = 'audit.anchor';

/** What an anchor signs: a fixed prefix, the anchored entry's seq and hash. */
export function anchorMessage(seq: number, hash: string): Buffer {
  return Buffer.from(`vigie-audit-anchor\n${seq}\n${hash}`, 'utf8');
}

/** The signing half of the instance key (see src/evidence/instance-key.ts). */
export interface AnchorSigner {
  readonly fingerprint: string;
  sign(data: Uint8Array): Buffer;
}

/**
 * Anchors the latest entry. Returns the anchor entry, or null when there is
 * nothing new to anchor (an empty trail, or the latest entry is an anchor).
 */
export async function anchorAuditLog(audit: Pick<AuditRepository, 'list' | 'append'>, signer: AnchorSigner | (() => Promise<AnchorSigner>)): Promise<AuditEntry | null> {
  const [latest] = await audit.list({ limit: 1 });
  if (!latest || latest.action === ANCHOR_ACTION) return null;
  // The key is loaded (or created) only when there is something to sign.
  const key = typeof signer === 'function' ? await signer() : signer;
  const signature = key.sign(anchorMessage(latest.seq, latest.hash)).toString('base64');
  return audit.append({
    actor: SYSTEM_ACTOR,
    action: ANCHOR_ACTION,
    target: String(latest.seq),
    details: { seq: latest.seq, hash: latest.hash, signature, key_fingerprint: key.fingerprint },
  });
}

export interface AnchorSchedule {
  /** Stops the timer and waits for an anchor being written. */
  stop(): Promise<void>;
}

/** Anchors now, then every `intervalMs` (hourly in `vigie start`); failures go to `onError`, the schedule goes on. */
export function scheduleAuditAnchors(anchor: () => Promise<unknown>, options: { readonly intervalMs: number; readonly onError: (err: unknown) => void }): AnchorSchedule {
  let inFlight: Promise<void> | null = null;
  const tick = (): void => {
    if (inFlight) return;
    inFlight = anchor()
      .then(() => undefined, options.onError)
      .finally(() => {
        inFlight = null;
      });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}

/**
 * What `vigie start` runs: anchors the trail at start and then every `intervalMs`
 * with the instance key of `dataDir` (loaded once, when first needed).
 */
export function startAuditAnchoring(options: {
  readonly audit: Pick<AuditRepository, 'list' | 'append'>;
  readonly dataDir: string;
  readonly intervalMs: number;
  readonly print: (line: string) => void;
}): AnchorSchedule {
  let key: Promise<AnchorSigner> | null = null;
  const signer = (): Promise<AnchorSigner> => {
    key ??= loadInstanceKey(options.dataDir).catch((err: unknown) => {
      key = null;
      throw err;
    });
    return key;
  };
  return scheduleAuditAnchors(() => anchorAuditLog(options.audit, signer), {
    intervalMs: options.intervalMs,
    onError: (err) => options.print(`audit anchor failed: ${err instanceof Error ? err.message : String(err)} (the hash chain still protects the entries; the next anchor is tried in an hour)`),
  });
}
