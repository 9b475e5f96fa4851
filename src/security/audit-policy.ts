/**
 * The dependency-audit policy (docs/SECURITY.md, "Dependencies") as a pure
 * function of `npm audit --json` output, so it is tested without a network:
 * high and critical advisories fail unless an unexpired exception covers them;
 * an answer that is not an audit report means the advisory service could not
 * be reached, which is reported as such, never as "no vulnerabilities".
 */
import { z } from 'zod';

const BLOCKING: ReadonlySet<string> = new Set(['high', 'critical']);

export const auditExceptionsSchema = z.array(
  z
    .object({
      advisory: z.string().url('give the advisory URL as npm audit prints it (https://github.com/advisories/GHSA-...)'),
      package: z.string().min(1),
      reason: z.string().min(10, 'say why the vulnerable code is not reachable in Vigie, or what mitigates it'),
      expires: z.string().regex(/^\d{4}-\d\d-\d\d$/, 'give the review date as YYYY-MM-DD (at most 90 days ahead)'),
    })
    .strict(),
);
export type AuditException = z.infer<typeof auditExceptionsSchema>[number];

const advisorySchema = z.object({ title: z.string(), url: z.string(), severity: z.string() }).passthrough();
const reportSchema = z.object({
  vulnerabilities: z.record(
    z.string(),
    z.object({ name: z.string(), severity: z.string(), range: z.string(), via: z.array(z.union([z.string(), advisorySchema])), fixAvailable: z.unknown() }).passthrough(),
  ),
  metadata: z.object({ vulnerabilities: z.object({ critical: z.number(), high: z.number(), moderate: z.number(), low: z.number() }).passthrough() }).passthrough(),
});

export type AuditVerdict =
  | { readonly kind: 'unreachable'; readonly why: string }
  | { readonly kind: 'checked'; readonly summary: string; readonly failing: readonly string[]; readonly notes: readonly string[] };

/** Classifies `npm audit --omit=dev --json` stdout against the exceptions in force on `today` (YYYY-MM-DD). */
export function judgeAudit(stdout: string, exceptions: readonly AuditException[], today: string): AuditVerdict {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return { kind: 'unreachable', why: stdout.trim() === '' ? 'npm audit printed nothing' : 'npm audit did not print JSON' };
  }
  const report = reportSchema.safeParse(json);
  if (!report.success) {
    const message = (json as { message?: unknown } | null)?.message;
    return { kind: 'unreachable', why: typeof message === 'string' ? message : 'the answer is not an audit report' };
  }
  const notes: string[] = [];
  const inForce = new Set<string>();
  for (const e of exceptions) {
    if (e.expires >= today) inForce.add(e.advisory);
    else notes.push(`the exception for ${e.advisory} (${e.package}) expired on ${e.expires}: review it`);
  }
  const failing: string[] = [];
  for (const vuln of Object.values(report.data.vulnerabilities)) {
    if (!BLOCKING.has(vuln.severity)) continue;
    // Objects are this package's own advisories; a string names the dependency that carries one, judged there.
    const open = vuln.via.filter((v): v is z.infer<typeof advisorySchema> => typeof v !== 'string' && BLOCKING.has(v.severity) && !inForce.has(v.url));
    if (open.length === 0) continue;
    failing.push(`${vuln.severity} ${vuln.name} ${vuln.range}: ${open.map((a) => `${a.title} (${a.url})`).join('; ')}${vuln.fixAvailable ? ' [fix available]' : ''}`);
  }
  const c = report.data.metadata.vulnerabilities;
  return { kind: 'checked', summary: `${c.critical} critical, ${c.high} high, ${c.moderate} moderate, ${c.low} low in production dependencies`, failing, notes };
}
