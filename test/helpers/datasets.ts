import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsDir } from '../../src/cli/datasets.js';

export { datasetsDir };

/** A file of the shared datasets, and why tests that need it are skipped when it is absent. */
export function datasetFile(relativePath: string): { readonly path: string; readonly missing: string | null } {
  const path = join(datasetsDir(), relativePath);
  const missing = existsSync(path) ? null : `${path} not found: set VIGIE_DATASETS to the shared datasets folder`;
  if (missing) console.warn(`skipping: ${missing}`);
  return { path, missing };
}
