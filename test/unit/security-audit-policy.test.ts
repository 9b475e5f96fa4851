import { describe, expect, it } from 'vitest';
import { auditExceptionsSchema, judgeAudit } from '../../src/security/audit-policy.js';

const ADVISORY = 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc';
const report = (severity: string) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: {
      leftpad: { name: 'leftpad', severity, range: '<1.2.3', via: [{ title: 'Prototype pollution', url: ADVISORY, severity }], fixAvailable: true },
      wrapper: { name: 'wrapper', severity, range: '*', via: ['leftpad'], fixAvailable: true },
    },
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: severity === 'high' ? 2 : 0, critical: 0, total: 2 } },
  });
const exception = { advisory: ADVISORY, package: 'leftpad', reason: 'only reached by the CLI with trusted input', expires: '2026-12-31' };

describe('dependency audit policy', () => {
  it('fails on a high advisory without an exception, naming it', () => {
    const verdict = judgeAudit(report('high'), [], '2026-11-28');
    expect(verdict.kind).toBe('checked');
    if (verdict.kind === 'checked') expect(verdict.failing.join('\n')).toContain(`Prototype pollution (${ADVISORY})`);
  });
  it('passes moderate advisories and ones under an exception in force', () => {
    expect(judgeAudit(report('moderate'), [], '2026-11-28')).toMatchObject({ failing: [] });
    expect(judgeAudit(report('high'), [exception], '2026-11-28')).toMatchObject({ kind: 'checked', failing: [] });
  });
  it('an expired exception no longer covers the advisory, and says so', () => {
    const verdict = judgeAudit(report('high'), [exception], '2027-01-01');
    expect(verdict).toMatchObject({ kind: 'checked', notes: [expect.stringContaining('expired on 2026-12-31')] });
    if (verdict.kind === 'checked') expect(verdict.failing).toEqual([expect.stringMatching(/^high leftpad <1\.2\.3: Prototype pollution/)]);
  });
  it('tells an unreachable advisory service from a clean report', () => {
    const offline = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405 });
    expect(judgeAudit(offline, [], '2026-11-28')).toEqual({ kind: 'unreachable', why: expect.stringContaining('405 Method Not Allowed') as unknown });
    expect(judgeAudit('', [], '2026-11-28').kind).toBe('unreachable');
    const clean = JSON.stringify({ vulnerabilities: {}, metadata: { vulnerabilities: { low: 0, moderate: 0, high: 0, critical: 0 } } });
    expect(judgeAudit(clean, [], '2026-11-28')).toMatchObject({ kind: 'checked', failing: [] });
  });
  it('exceptions must say why and until when', () => {
    expect(auditExceptionsSchema.safeParse([exception]).success).toBe(true);
    expect(auditExceptionsSchema.safeParse([{ ...exception, expires: 'soon' }]).success).toBe(false);
    expect(auditExceptionsSchema.safeParse([{ ...exception, reason: '' }]).success).toBe(false);
  });
});
