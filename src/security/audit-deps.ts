/**
 * `scripts/audit-deps.sh` pipes `npm audit --omit=dev --json` here. Exit 1 on
 * high or critical advisories without an exception; 0 with a warning when the
 * advisory service could not be reached (1 with VIGIE_AUDIT_STRICT=1).
 */
import { readFileSync } from 'node:fs';
import { auditExceptionsSchema, judgeAudit } from './audit-policy.js';

const EXCEPTIONS_FILE = 'scripts/audit-exceptions.json';

const exceptions = auditExceptionsSchema.safeParse(JSON.parse(readFileSync(EXCEPTIONS_FILE, 'utf8')));
if (!exceptions.success) {
  console.error(`${EXCEPTIONS_FILE}: ${exceptions.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`);
  process.exit(1);
}
const verdict = judgeAudit(readFileSync(0, 'utf8'), exceptions.data, new Date().toISOString().slice(0, 10));
if (verdict.kind === 'unreachable') {
  const line = `the advisory service could not be reached (${verdict.why}): dependencies were NOT checked`;
  if (process.env.VIGIE_AUDIT_STRICT === '1') {
    console.error(`audit: ${line}; VIGIE_AUDIT_STRICT=1 makes this a failure`);
    process.exit(1);
  }
  console.log(`WARNING audit: ${line}. Run scripts/audit-deps.sh where the registry's audit endpoint answers.`);
  process.exit(0);
}
console.log(`audit: ${verdict.summary}`);
for (const note of verdict.notes) console.log(`audit: ${note}`);
if (verdict.failing.length > 0) {
  console.error(`audit: ${verdict.failing.length} high or critical vulnerabilities without an exception:\n  ${verdict.failing.join('\n  ')}`);
  console.error(`Upgrade the dependency, or record an exception in ${EXCEPTIONS_FILE} (docs/SECURITY.md says how).`);
  process.exit(1);
}
