import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import type { EvidenceExportCliOptions, EvidenceVerifyCliOptions } from '../main.js';
import { loadConfigFile } from '../../config/load.js';
import { EvidenceError } from '../../evidence/errors.js';
import { CLI_ACTOR, type ExportResult } from '../../evidence/export.js';
import { createEvidenceService } from '../../evidence/service.js';
import { verifyBundle, type Verification } from '../../evidence/verify.js';
import { createRepositories, openDatabase } from '../../store/index.js';
import { UserError } from '../errors.js';

/** The version in package.json (importing the server runtime for its constant would load Fastify and the pipeline). */
async function vigieVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function asUserError(err: unknown): unknown {
  return err instanceof EvidenceError ? new UserError(err.message) : err;
}

function osUser(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${hostname()}`;
  }
}

export function exportSummary(result: ExportResult): string[] {
  return [
    `bundle written: ${result.file}`,
    `  ${result.manifest.anonymized ? 'blurred video (people blurred, masks filled; NOT the original)' : 'original recordings, unaltered'}${result.manifest.anonymization?.kept_subject ? ', one subject kept unblurred' : ''}`,
    `  ${result.segments} segment(s), ${result.events} event(s), ${result.bytes} bytes`,
    `  bundle SHA-256: ${result.sha256}`,
    `  signed by instance key ${result.manifest.key_fingerprint}`,
    `check it with: vigie evidence verify ${result.file}`,
  ];
}

/** `vigie evidence export`: a signed bundle of one camera over a range, blurred unless `--original`. */
export async function runEvidenceExport(opts: EvidenceExportCliOptions): Promise<void> {
  if (opts.original && opts.anonymize) throw new UserError('--original and --anonymize contradict each other: give one (blurred is the default)');
  if (!opts.case && !opts.reason) throw new UserError('say why footage leaves the system: give --case REF (judicial requisition) or --reason TEXT, or both');
  const fileConfig = opts.config ? loadConfigFile(opts.config) : null;
  const store = await openDatabase({ dataDir: opts.data, ...(opts.db ? { url: opts.db } : {}) });
  try {
    const repos = createRepositories(store.db);
    const service = createEvidenceService({
      dataDir: opts.data,
      db: store.db,
      repos,
      config: async () => fileConfig ?? (await repos.config.current())?.config ?? null,
      vigieVersion: await vigieVersion(),
    });
    const result = await service.exportTo(opts.out, {
      camera: opts.camera,
      from: opts.from,
      to: opts.to,
      caseRef: opts.case ?? null,
      reason: opts.reason ?? null,
      actor: CLI_ACTOR,
      exportedBy: `command line (${osUser()})`,
      anonymize: opts.original !== true,
    });
    for (const line of exportSummary(result)) process.stdout.write(`${line}\n`);
  } catch (err) {
    throw asUserError(err);
  } finally {
    await store.close();
  }
}

export function verificationLines(path: string, v: Verification): string[] {
  const m = v.manifest;
  const lines: string[] = [];
  if (v.valid) {
    lines.push(`valid: ${path}`);
    if (m) {
      lines.push(`  camera ${m.camera}, ${m.from} to ${m.to}${m.case ? `, case ${m.case}` : ''}${m.anonymized ? ', ANONYMISED (re-encoded)' : ', original recordings'}`);
      lines.push(`  ${v.filesChecked} file(s) match the manifest; exported ${m.created_at} by ${m.exported_by}`);
    }
    lines.push(`  signed by key ${v.keyFingerprint ?? '?'}`);
    if (!v.keyFromCaller) lines.push('  (checked with the key inside the bundle: this proves integrity, not origin; pass --key with the instance\'s known public key to prove origin)');
  } else {
    lines.push(`INVALID: ${path}`);
    for (const p of v.problems) lines.push(`  ${p}`);
  }
  return lines;
}

/** `vigie evidence verify`: exit 0 and "valid", or exit 1 naming each altered, missing or added file. */
export async function runEvidenceVerify(bundle: string, opts: EvidenceVerifyCliOptions): Promise<void> {
  let knownKeyPem: string | undefined;
  if (opts.key) {
    try {
      knownKeyPem = await readFile(opts.key, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read --key ${opts.key}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  let verification: Verification;
  try {
    verification = await verifyBundle(bundle, knownKeyPem === undefined ? {} : { knownKeyPem });
  } catch (err) {
    throw asUserError(err);
  }
  const lines = verificationLines(bundle, verification);
  const stream = verification.valid ? process.stdout : process.stderr;
  for (const line of lines) stream.write(`${line}\n`);
  if (!verification.valid) process.exitCode = 1;
}
