import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkAuditLog, formatAuditCheck } from '../../audit/verify.js';
import { PRIVATE_KEY_FILE, parsePublicKey } from '../../evidence/instance-key.js';
import { EvidenceError } from '../../evidence/errors.js';
import { openDatabase } from '../../store/index.js';
import { UserError } from '../errors.js';
import type { AuditVerifyCliOptions } from '../main.js';

/**
 * The public key anchors are checked against: `--key`, else the one derived from
 * the instance key in `<data>/keys/`; null when there is neither (the command
 * then says which anchors it could not check). Never creates a key.
 */
async function anchorKey(dataDir: string, keyFile: string | undefined): Promise<KeyObject | null> {
  if (keyFile !== undefined) {
    let pem: Buffer;
    try {
      pem = await readFile(keyFile);
    } catch (err) {
      throw new UserError(`cannot read --key ${keyFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    try {
      return parsePublicKey(pem, `--key ${keyFile}`);
    } catch (err) {
      throw err instanceof EvidenceError ? new UserError(err.message) : err;
    }
  }
  const path = join(dataDir, 'keys', PRIVATE_KEY_FILE);
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`cannot read the instance key ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)} (run as the user that runs Vigie, or pass --key <public pem>)`);
  }
  try {
    return createPublicKey(pem);
  } catch {
    throw new UserError(`${path} is not a PEM key: restore it from backup, or pass --key <public pem>`);
  }
}

/** `vigie audit verify`: returns the exit code, 0 on an intact trail, 1 after naming the first bad entry and every bad anchor. */
export async function runAuditVerify(opts: AuditVerifyCliOptions, out: (line: string) => void = (l) => void process.stdout.write(`${l}\n`)): Promise<number> {
  const dataDir = resolve(opts.data);
  const key = await anchorKey(dataDir, opts.key);
  const store = await openDatabase({ dataDir, ...(opts.db ? { url: opts.db } : {}) });
  try {
    const check = await checkAuditLog(store.db, key);
    for (const line of formatAuditCheck(check)) out(line);
    return check.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
