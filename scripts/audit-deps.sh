#!/usr/bin/env bash
# Dependency audit with Vigie's policy (docs/SECURITY.md, "Dependencies"):
# fails on high/critical advisories in production dependencies, warns when the advisory service is unreachable.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm audit exits non-zero both when it finds something and when it cannot ask: the JSON tells which.
report="$(npm audit --omit=dev --json 2>/dev/null || true)"
printf '%s' "$report" | npx --no-install tsx src/security/audit-deps.ts
