/**
 * Trial statistics without HTTP: `vigie report`, the monthly report and the
 * API call these. Methodology: docs/REPORTS.md.
 *
 *   const stats = await computeTrialStatistics(repos, config, { from, to, cameras: null, timeZone: config.timezone }, Date.now());
 */
import type { VigieConfig } from '../config/schema.js';
import type { ReportReader } from './load.js';
import { trialStatistics } from './statistics.js';
import type { PeriodComparison, ReportQuery, TrialStatistics } from './types.js';

export async function computeTrialStatistics(repos: { readonly reports: ReportReader }, config: VigieConfig | null, query: ReportQuery, nowMs: number): Promise<TrialStatistics> {
  return trialStatistics(query, await repos.reports.rows(query, config, nowMs), nowMs);
}

/** Both periods, side by side; readers show the differences. */
export function compareStatistics(before: TrialStatistics, after: TrialStatistics): PeriodComparison {
  return { before, after };
}

export { createReportReader, reportCameras, type ReportReader } from './load.js';
export { trialStatistics, type ReportRows } from './statistics.js';
export { reportTables, tableCsv, REPORT_TABLE_NAMES, type ReportTable, type ReportTableName } from './csv.js';
export type * from './types.js';
