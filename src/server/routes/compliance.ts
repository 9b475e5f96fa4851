import type { Authenticated } from '../../auth/sessions.js';
import { readComplianceInput } from '../../compliance/facts.js';
import { renderComplianceHtml } from '../../compliance/html.js';
import { buildComplianceReport, type ComplianceReport } from '../../compliance/model.js';
import { renderCompliancePdf } from '../../compliance/pdf.js';
import type { ServerDeps } from '../deps.js';
import { route, type RouteSpec } from '../route.js';

/**
 * The compliance report (docs/COMPLIANCE.md), for the DPO and supervisors; each
 * generation is audited. The HTML needs only inline styles, which the app-wide
 * security headers allow.
 */
export function complianceRoutes(deps: ServerDeps): RouteSpec[] {
  const generate = async (auth: Authenticated, format: 'html' | 'pdf'): Promise<ComplianceReport> => {
    const report = buildComplianceReport(await readComplianceInput(deps.repos, { nowMs: deps.now(), version: deps.version }));
    await deps.repos.audit.append({ actor: auth.user.id, action: 'compliance.report', target: null, details: { format, config_sha256: report.configuration.sha256 } });
    return report;
  };
  const fileName = (report: ComplianceReport, ext: string): string => `vigie-registre-${report.generatedAt.slice(0, 10)}.${ext}`;
  return [
    route({
      method: 'GET',
      url: '/api/compliance/report.html',
      summary: 'Compliance report in French (record of processing activities, DPIA facts, open points) as a printable HTML page; audited',
      tag: 'compliance',
      access: 'reports.read',
      response: { contentType: 'text/html' },
      async handler({ auth, reply }) {
        const report = await generate(auth as Authenticated, 'html');
        return reply
          .type('text/html; charset=utf-8')
          .header('content-disposition', `inline; filename="${fileName(report, 'html')}"`)
          .header('cache-control', 'private, no-store')
          .send(renderComplianceHtml(report));
      },
    }),
    route({
      method: 'GET',
      url: '/api/compliance/report.pdf',
      summary: 'The same compliance report as an A4 PDF; audited',
      tag: 'compliance',
      access: 'reports.read',
      response: { contentType: 'application/pdf' },
      async handler({ auth, reply }) {
        const report = await generate(auth as Authenticated, 'pdf');
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${fileName(report, 'pdf')}"`)
          .header('cache-control', 'private, no-store')
          .send(await renderCompliancePdf(report));
      },
    }),
  ];
}
