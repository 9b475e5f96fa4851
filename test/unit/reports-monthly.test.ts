import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportFormat } from '../../src/reports/document.js';
import { ensureMonthlyReport, isMonthlyReportFile, listMonthlyReports, monthToReport, type MonthlyReportDeps } from '../../src/reports/monthly.js';
import { ChromiumMissingError } from '../../src/reports/render-pdf.js';
import type { ReportQuery } from '../../src/reports/types.js';
import type { ServerDeps } from '../../src/server/deps.js';
import { monthlyReportRoutes } from '../../src/server/routes/monthly-reports.js';
import type { AuditInput } from '../../src/store/index.js';
import { trialStatisticsFixture } from '../helpers/trial-statistics.js';

/** 1 March 2027, 00:30 in Paris (UTC+1): February has just ended there, not yet in UTC. */
const MARCH_1_0030_PARIS = Date.parse('2027-02-28T23:30:00Z');

describe('the month to report', () => {
  it('is the previous calendar month of the configured time zone', () => {
    expect(monthToReport(MARCH_1_0030_PARIS, 'Europe/Paris')).toEqual({ month: '2027-02', from: '2027-01-31T23:00:00.000Z', to: '2027-02-28T23:00:00.000Z' });
    // Same instant in UTC: still February, so January is the last complete month.
    expect(monthToReport(MARCH_1_0030_PARIS, 'UTC').month).toBe('2027-01');
  });

  it('crosses the year, with summer time at the end of the period', () => {
    expect(monthToReport(Date.parse('2027-01-15T12:00:00Z'), 'Europe/Paris')).toMatchObject({ month: '2026-12', from: '2026-11-30T23:00:00.000Z', to: '2026-12-31T23:00:00.000Z' });
    expect(monthToReport(Date.parse('2027-04-02T12:00:00Z'), 'Europe/Paris')).toMatchObject({ month: '2027-03', to: '2027-03-31T22:00:00.000Z' });
  });
});

describe('monthly report files', () => {
  const refused = ['../vigie.db', 'vigie-report-2027-02.html.part', 'vigie-report-2027-2.pdf', 'vigie-report-2027-02.exe', '/etc/passwd', 'reports/vigie-report-2027-02.csv', 'vigie-report-2027-02.html/..', ''];

  it('accepts only vigie-report-YYYY-MM.(html|pdf|csv)', () => {
    for (const ok of ['vigie-report-2027-02.html', 'vigie-report-2027-02.pdf', 'vigie-report-2027-12.csv']) expect(isMonthlyReportFile(ok)).toBe(true);
    for (const bad of refused) expect(isMonthlyReportFile(bad)).toBe(false);
  });

  it('is the only thing the download route takes', () => {
    const download = monthlyReportRoutes({ reportsDir: '/nowhere' } as unknown as ServerDeps).find((r) => r.url === '/api/reports/monthly/:file');
    expect(download?.params?.safeParse({ file: 'vigie-report-2027-02.pdf' }).success).toBe(true);
    for (const bad of refused) expect(download?.params?.safeParse({ file: bad }).success, bad).toBe(false);
  });
});

describe('ensureMonthlyReport', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function setup(options: { since?: number | null; pdf?: 'ok' | 'missing' } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-monthly-'));
    dirs.push(dir);
    const queries: ReportQuery[] = [];
    const audit: AuditInput[] = [];
    const printed: string[] = [];
    const deps: MonthlyReportDeps = {
      reportsDir: join(dir, 'reports'),
      timeZone: () => Promise.resolve('Europe/Paris'),
      statistics: (query) => {
        queries.push(query);
        return Promise.resolve(trialStatisticsFixture());
      },
      since: () => Promise.resolve(options.since === undefined ? Date.parse('2026-09-01T00:00:00Z') : options.since),
      audit: {
        append: (entry) => {
          audit.push(entry);
          return Promise.resolve(undefined as never);
        },
      },
      now: () => MARCH_1_0030_PARIS,
      print: (line) => printed.push(line),
      render: (_stats, format: ReportFormat) =>
        format === 'pdf' && options.pdf === 'missing' ? Promise.reject(new ChromiumMissingError('install chromium')) : Promise.resolve(Buffer.from(`${format} body`)),
    };
    return { dir, deps, queries, audit, printed };
  }

  it('writes the three files of the last month once, audited as the system, and not again', async () => {
    const { deps, queries, audit } = setup();
    expect(await ensureMonthlyReport(deps)).toBe('2027-02');
    expect(readdirSync(deps.reportsDir).sort()).toEqual(['vigie-report-2027-02.csv', 'vigie-report-2027-02.html', 'vigie-report-2027-02.pdf']);
    expect(readFileSync(join(deps.reportsDir, 'vigie-report-2027-02.csv'), 'utf8')).toBe('csv body');
    expect(queries).toEqual([{ from: '2027-01-31T23:00:00.000Z', to: '2027-02-28T23:00:00.000Z', cameras: null, timeZone: 'Europe/Paris' }]);
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'system', action: 'report.generate', target: '2027-02', details: expect.objectContaining({ formats: 'csv,pdf,html', events: 175, trigger: 'schedule' }) as unknown }),
    ]);

    expect(await ensureMonthlyReport(deps)).toBeNull();
    expect(queries).toHaveLength(1);
    expect(audit).toHaveLength(1);
  });

  it('skips the PDF with a warning when Chromium is missing', async () => {
    const { deps, printed } = setup({ pdf: 'missing' });
    expect(await ensureMonthlyReport(deps)).toBe('2027-02');
    expect(readdirSync(deps.reportsDir).sort()).toEqual(['vigie-report-2027-02.csv', 'vigie-report-2027-02.html']);
    expect(printed[0]).toBe('monthly report 2027-02: no PDF (install chromium)');
  });

  it('reports no month that ended before Vigie was set up, nor before any configuration', async () => {
    expect(await ensureMonthlyReport(setup({ since: Date.parse('2027-02-28T23:00:00Z') }).deps)).toBeNull();
    expect(await ensureMonthlyReport(setup({ since: null }).deps)).toBeNull();
  });

  it('lists the months newest first, ignoring other and unfinished files', async () => {
    const { deps } = setup();
    expect(await listMonthlyReports(deps.reportsDir)).toEqual([]);
    await ensureMonthlyReport(deps);
    writeFileSync(join(deps.reportsDir, 'vigie-report-2027-01.html'), 'january');
    writeFileSync(join(deps.reportsDir, 'vigie-report-2027-03.pdf.part'), 'half');
    writeFileSync(join(deps.reportsDir, 'notes.txt'), 'x');
    const items = await listMonthlyReports(deps.reportsDir);
    expect(items.map((i) => i.month)).toEqual(['2027-02', '2027-01']);
    expect(items[0]?.files).toEqual([
      { format: 'csv', bytes: 8, download: '/api/reports/monthly/vigie-report-2027-02.csv' },
      { format: 'html', bytes: 9, download: '/api/reports/monthly/vigie-report-2027-02.html' },
      { format: 'pdf', bytes: 8, download: '/api/reports/monthly/vigie-report-2027-02.pdf' },
    ]);
    expect(Number.isNaN(Date.parse(items[0]?.generated_at ?? ''))).toBe(false);
  });
});
