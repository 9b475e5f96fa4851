import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { readComplianceInput } from '../../compliance/facts.js';
import { renderComplianceHtml } from '../../compliance/html.js';
import { buildComplianceReport } from '../../compliance/model.js';
import { renderCompliancePdf } from '../../compliance/pdf.js';
import { loadConfigFile } from '../../config/load.js';
import { createRepositories, openDatabase, SQLITE_FILE_NAME } from '../../store/index.js';
import { UserError } from '../errors.js';
import { writeOutFile } from '../output.js';
import type { ComplianceReportCliOptions } from '../main.js';

/** Who generated the report, in the audit log: the command line, not a user account. */
const CLI_ACTOR = 'cli';

/** The version in package.json (importing the server runtime for its constant would load Fastify and the pipeline). */
async function vigieVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

function osUser(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${hostname()}`;
  }
}

/** `--format`, else the extension of `--out`, else HTML. */
export function reportFormat(opts: Pick<ComplianceReportCliOptions, 'format' | 'out'>): 'html' | 'pdf' {
  if (opts.format !== undefined) {
    if (opts.format !== 'html' && opts.format !== 'pdf') throw new UserError(`--format must be html or pdf (got "${opts.format}")`);
    return opts.format;
  }
  return opts.out !== undefined && extname(opts.out).toLowerCase() === '.pdf' ? 'pdf' : 'html';
}

/**
 * `vigie compliance report`: the record of processing activities and DPIA
 * facts (docs/COMPLIANCE.md) from the configuration in force, as HTML or PDF,
 * to `--out` or stdout; `--json` prints the report's model instead. Audited.
 */
export async function runComplianceReport(
  opts: ComplianceReportCliOptions,
  io: { readonly stdout: (data: string | Buffer) => void; readonly isTty: boolean } = { stdout: (d) => void process.stdout.write(d), isTty: process.stdout.isTTY === true },
): Promise<void> {
  const format = reportFormat(opts);
  if (format === 'pdf' && opts.out === undefined && !opts.json && io.isTty) {
    throw new UserError('a PDF is binary: give --out FILE (or redirect stdout to a file)');
  }
  const file = opts.config !== undefined ? { path: opts.config, config: loadConfigFile(opts.config) } : undefined;
  const dataDir = resolve(opts.data);
  if (opts.db === undefined && !existsSync(join(dataDir, SQLITE_FILE_NAME))) {
    throw new UserError(`no Vigie database in ${dataDir}: give the --data folder of the installation (or --db URL)`);
  }
  const store = await openDatabase({ dataDir, ...(opts.db ? { url: opts.db } : {}) });
  try {
    const repos = createRepositories(store.db);
    const report = buildComplianceReport(await readComplianceInput(repos, { nowMs: Date.now(), version: await vigieVersion(), ...(file ? { file } : {}) }));
    const document = opts.json && opts.out === undefined ? null : format === 'pdf' ? await renderCompliancePdf(report) : renderComplianceHtml(report);
    if (document !== null && opts.out !== undefined) await writeOutFile(opts.out, document);
    await repos.audit.append({
      actor: CLI_ACTOR,
      action: 'compliance.report',
      target: null,
      details: { format: document === null ? 'json' : format, config_sha256: report.configuration.sha256, trigger: `cli:${osUser()}` },
    });
    if (opts.json) io.stdout(`${JSON.stringify(report)}\n`);
    else if (opts.out === undefined && document !== null) io.stdout(document);
    else io.stdout(`compliance report written: ${opts.out ?? ''} (${format.toUpperCase()}, ${report.openPoints.length} open point(s) to settle)\n`);
  } finally {
    await store.close();
  }
}
