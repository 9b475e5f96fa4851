import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Runs in each new worker thread, so it works whether the parent runs under tsx,
 * vitest or compiled JS: it registers tsx when the worker module is TypeScript,
 * then imports it. Valid both as CommonJS and as an ES module (a parent started
 * with --input-type=module makes eval'd workers ES modules). A failure becomes an
 * uncaught error of the worker, which the pool reports.
 */
const WORKER_BOOTSTRAP = `
(async () => {
  const { workerData } = await import('node:worker_threads');
  if (workerData.tsxApiUrl) {
    const { register } = await import(workerData.tsxApiUrl);
    register();
  }
  await import(workerData.entryUrl);
})().catch((err) => { setImmediate(() => { throw err; }); });
`;

/** Where the worker's module is, and tsx's registration API when that module is TypeScript. */
export function workerModuleUrls(workerModule: URL | undefined): { entryUrl: string; tsxApiUrl: string | null } {
  // Under tsx or vitest this file is pool.ts; once compiled it is pool.js.
  const ext = path.extname(fileURLToPath(import.meta.url));
  const entry = workerModule ?? new URL(`./worker-entry${ext}`, import.meta.url);
  const isTs = /\.[cm]?ts$/.test(entry.pathname);
  return { entryUrl: entry.href, tsxApiUrl: isTs ? tsxEsmApiUrl() : null };
}

/** URL of the ESM build of `tsx/esm/api` (its CommonJS build cannot register hooks from a worker). */
function tsxEsmApiUrl(): string {
  // import.meta.resolve is missing under some test runners; then derive the ESM
  // file from the CommonJS one, as tsx's package.json exports lay them side by side.
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
}

/** Starts a worker thread running `workerData.entryUrl` (TypeScript or JavaScript); `workerData` is passed through. */
export function startModuleWorker(workerData: { readonly entryUrl: string; readonly tsxApiUrl: string | null }): Worker {
  return new Worker(WORKER_BOOTSTRAP, { eval: true, workerData });
}
