/**
 * The trial report as a file, in the format asked for: what `vigie report`
 * and the monthly report write. HTML is the document, the PDF is that HTML
 * printed by Chromium, the CSV holds every table of the report.
 */
import { csvCell, reportTables } from './csv.js';
import { localTime } from './local-time.js';
import { renderReportHtml } from './render-html.js';
import { htmlToPdf } from './render-pdf.js';
import type { TrialStatistics } from './types.js';

export const REPORT_FORMATS = ['html', 'pdf', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CSV_COLUMNS = ['table', 'row', 'column', 'value'] as const;

/**
 * Every table in "long" form, one value per line: `table,row,column,value`
 * (rows numbered from 1 within their table), after a `report` table with the
 * period and scope. One rectangular sheet opens in any spreadsheet and filters
 * or pivots by table; numbers keep '.' decimals and ratios stay 0..1, as in
 * the tables of src/reports/csv.ts. UTF-8 with a byte-order mark, so that a
 * spreadsheet reads accents right; CRLF line ends (RFC 4180).
 */
export function renderReportCsv(stats: TrialStatistics): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  const push = (table: string, row: number, column: string, value: string | number | null): void => {
    lines.push([table, row, column, value].map(csvCell).join(','));
  };
  const scope: [string, string | number][] = [
    ['from', stats.query.from],
    ['to', stats.query.to],
    ['time_zone', stats.query.timeZone],
    ['cameras', stats.query.cameras === null ? 'all' : stats.query.cameras.join(' ')],
    ['generated_at', stats.generatedAt],
    ['days', stats.days],
    ['events', stats.events.total],
  ];
  for (const [column, value] of scope) push('report', 1, column, value);
  for (const table of reportTables(stats)) {
    table.rows.forEach((cells, r) => table.columns.forEach((column, c) => push(table.name, r + 1, column, cells[c] ?? null)));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** The footer line of every PDF page: the period's first and last local days. */
export function pdfFooter(stats: TrialStatistics): string {
  const { from, to, timeZone } = stats.query;
  return `Rapport Vigie du ${localTime(Date.parse(from), timeZone).day} au ${localTime(Date.parse(to) - 1, timeZone).day}`;
}

/** The report's bytes in `format`; a PDF needs Chromium (render-pdf.ts says what to install when it is missing). */
export async function renderReport(stats: TrialStatistics, format: ReportFormat): Promise<Buffer> {
  switch (format) {
    case 'html':
      return Buffer.from(renderReportHtml(stats), 'utf8');
    case 'csv':
      return Buffer.from(renderReportCsv(stats), 'utf8');
    case 'pdf':
      return htmlToPdf(renderReportHtml(stats), { footer: pdfFooter(stats) });
  }
}
