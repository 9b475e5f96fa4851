import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { loadConfigFile } from '../../config/load.js';
import type { VigieConfig } from '../../config/schema.js';
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../../reports/document.js';
import { computeTrialStatistics } from '../../reports/index.js';
import { ChromiumMissingError, findChromium } from '../../reports/render-pdf.js';
import type { ReportQuery } from '../../reports/types.js';
import { createRepositories, openDatabase, SQLITE_FILE_NAME } from '../../store/index.js';
import { UserError } from '../errors.js';
import { writeOutFile } from '../output.js';
import type { ReportCliOptions } from '../main.js';

/** Who generated the report, in the audit log: the command line, not a user account. */
const CLI_ACTOR = 'cli';
/** Zone of days and hours when no configuration is stored yet (the config's own default). */
const DEFAULT_TIME_ZONE = 'Europe/Paris';

function osUser(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${hostname()}`;
  }
}

/** `--format`, else the extension of `--out` (.html, .pdf, .csv). */
export function reportFileFormat(opts: Pick<ReportCliOptions, 'format' | 'out'>): ReportFormat {
  const given = opts.format ?? extname(opts.out).slice(1).toLowerCase();
  if (!(REPORT_FORMATS as readonly string[]).includes(given)) {
    throw new UserError(opts.format !== undefined ? `--format must be html, pdf or csv (got "${opts.format}")` : `give --format html, pdf or csv (--out ${opts.out} has no such extension)`);
  }
  return given as ReportFormat;
}

function instant(value: string, option: string): string {
  const ms = Date.parse(value);
  if (!/(Z|[+-]\d{2}:\d{2})$/i.test(value) || Number.isNaN(ms)) throw new UserError(`${option} must be an ISO 8601 time with a zone, e.g. 2027-02-01T00:00:00+01:00 (got "${value}")`);
  return new Date(ms).toISOString();
}

/** The period and cameras asked for, checked (time zone added once the configuration is known). */
export function reportPeriod(opts: Pick<ReportCliOptions, 'from' | 'to' | 'cameras'>): Omit<ReportQuery, 'timeZone'> {
  const from = instant(opts.from, '--from');
  const to = instant(opts.to, '--to');
  if (Date.parse(to) <= Date.parse(from)) throw new UserError(`--to (${opts.to}) must come after --from (${opts.from})`);
  let cameras: string[] | null = null;
  if (opts.cameras !== undefined) {
    cameras = [...new Set(opts.cameras.split(',').map((c) => c.trim()).filter(Boolean))];
    if (cameras.length === 0) throw new UserError('--cameras needs at least one camera id (a,b,c), or leave it out for every camera');
  }
  return { from, to, cameras };
}

/** A missing Chromium is the user's to fix: one line, no stack. */
const chromiumError = (err: unknown): unknown => (err instanceof ChromiumMissingError ? new UserError(err.message) : err);

export interface ReportIo {
  readonly stdout: (data: string) => void;
  /** Progress and warnings (stderr); `isTty`: a person watches it. */
  readonly stderr: (data: string) => void;
  readonly isTty: boolean;
}

const processIo: ReportIo = {
  stdout: (d) => void process.stdout.write(d),
  stderr: (d) => void process.stderr.write(d),
  isTty: process.stderr.isTTY === true,
};

/**
 * `vigie report`: the trial statistics of a period (docs/REPORTS.md) as an
 * HTML or PDF document for the council and the CNIL, or every table as CSV,
 * written to `--out`. Audited as `report.generate`.
 */
export async function runReport(opts: ReportCliOptions, io: ReportIo = processIo): Promise<void> {
  const format = reportFileFormat(opts);
  const period = reportPeriod(opts);
  if (format === 'pdf') {
    try {
      findChromium(); // before any database work
    } catch (err) {
      throw chromiumError(err);
    }
  }
  const fileConfig: VigieConfig | undefined = opts.config !== undefined ? loadConfigFile(opts.config) : undefined;
  const dataDir = resolve(opts.data);
  if (opts.db === undefined && !existsSync(join(dataDir, SQLITE_FILE_NAME))) {
    throw new UserError(`no Vigie database in ${dataDir}: give the --data folder of the installation (or --db URL)`);
  }
  const store = await openDatabase({ dataDir, ...(opts.db ? { url: opts.db } : {}) });
  try {
    const repos = createRepositories(store.db);
    const config = fileConfig ?? (await repos.config.current())?.config ?? null;
    if (config !== null && period.cameras !== null) {
      const known = new Set(config.cameras.map((c) => c.id));
      const unknown = period.cameras.filter((c) => !known.has(c));
      // A camera removed from the configuration during the trial still has its events: warn, do not refuse.
      if (unknown.length > 0) io.stderr(`vigie: warning: not in the configuration: ${unknown.join(', ')} (counted only from stored events)\n`);
    }
    const query: ReportQuery = { ...period, timeZone: config?.timezone ?? DEFAULT_TIME_ZONE };
    const stats = await computeTrialStatistics(repos, config, query, Date.now());

    const printing = format === 'pdf' && io.isTty;
    if (printing) io.stderr('printing the PDF with Chromium…');
    let document: Buffer;
    try {
      document = await renderReport(stats, format);
    } catch (err) {
      throw chromiumError(err);
    } finally {
      if (printing) io.stderr('\r\x1b[K');
    }
    await writeOutFile(opts.out, document);
    await repos.audit.append({
      actor: CLI_ACTOR,
      action: 'report.generate',
      target: null,
      details: { format, from: query.from, to: query.to, cameras: query.cameras === null ? 'all' : query.cameras.join(','), events: stats.events.total, trigger: `cli:${osUser()}` },
    });
    const file = resolve(opts.out);
    if (opts.json) {
      io.stdout(`${JSON.stringify({ file, bytes: document.length, format, period: { from: query.from, to: query.to, time_zone: query.timeZone }, events: stats.events.total })}\n`);
    } else {
      io.stdout(`trial report written: ${file} (${format.toUpperCase()}, ${document.length} bytes, ${stats.events.total} alerts from ${query.from} to ${query.to})\n`);
    }
  } finally {
    await store.close();
  }
}
