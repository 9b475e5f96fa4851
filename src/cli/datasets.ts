import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The shared datasets folder: $VIGIE_DATASETS, else ../shared/datasets beside the project. */
export function datasetsDir(): string {
  return process.env.VIGIE_DATASETS ? resolve(process.env.VIGIE_DATASETS) : resolve(PROJECT_ROOT, '..', 'shared', 'datasets');
}
