import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFormat, runComplianceReport } from '../../src/cli/commands/compliance.js';
import { configSchema } from '../../src/config/schema.js';
import type { ComplianceReport } from '../../src/compliance/model.js';
import { createRepositories, openDatabase } from '../../src/store/index.js';

let dir = '';

/** Runs the command in-process and returns what it printed on stdout. */
async function run(opts: Parameters<typeof runComplianceReport>[0], isTty = false): Promise<string> {
  let out = '';
  await runComplianceReport(opts, { stdout: (d) => (out += d.toString()), isTty });
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-compliance-cli-'));
  const store = await openDatabase({ dataDir: dir });
  const repos = createRepositories(store.db);
  await repos.config.save(configSchema.parse({ organisation: { controller: 'Ville de Suresnes' }, cameras: [{ id: 'parvis', source: 'rtsp://10.0.0.5/live', recording: { enabled: true, retention_days: 20 } }] }), { userId: null });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function auditedFormats(): Promise<unknown[]> {
  const store = await openDatabase({ dataDir: dir });
  try {
    return (await createRepositories(store.db).audit.list({ action: 'compliance.report' })).map((e) => [e.actor, e.details.format]);
  } finally {
    await store.close();
  }
}

describe('vigie compliance report', () => {
  it('picks the format from --format, else from the --out extension', () => {
    expect(reportFormat({})).toBe('html');
    expect(reportFormat({ out: 'registre.PDF' })).toBe('pdf');
    expect(reportFormat({ format: 'html', out: 'registre.pdf' })).toBe('html');
    expect(() => reportFormat({ format: 'docx' })).toThrow('--format must be html or pdf (got "docx")');
  });

  it('writes the PDF to --out, says so, and audits it', async () => {
    const out = join(dir, 'registre.pdf');
    expect(await run({ data: dir, out })).toBe(`compliance report written: ${out} (PDF, 5 open point(s) to settle)\n`);
    expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await auditedFormats())[0]).toEqual(['cli', 'pdf']);
  });

  it('prints the HTML on stdout, or the model with --json', async () => {
    expect(await run({ data: dir })).toMatch(/^<!doctype html>[\s\S]*Ville de Suresnes/);
    const model = JSON.parse(await run({ data: dir, json: true })) as ComplianceReport;
    expect(model.configuration.version).toBe(1);
    expect(model.openPoints.map((p) => p.kind)).toEqual(['organisation', 'organisation', 'organisation', 'organisation', 'long_retention']);
    expect((await auditedFormats()).slice(0, 2)).toEqual([['cli', 'json'], ['cli', 'html']]);
  });

  it('describes a --config file instead of the stored configuration', async () => {
    const file = join(dir, 'autre.yaml');
    writeFileSync(file, 'organisation:\n  controller: Ville de Puteaux\ncameras: []\n');
    const model = JSON.parse(await run({ data: dir, config: file, json: true })) as ComplianceReport;
    expect(model.configuration).toMatchObject({ version: null, source: expect.stringContaining(file) as string });
    expect(model.organisation[0]?.value).toBe('Ville de Puteaux');
  });

  it('refuses a PDF on a terminal and a folder without a database, with a clear message', async () => {
    await expect(run({ data: dir, format: 'pdf' }, true)).rejects.toThrow('a PDF is binary: give --out FILE');
    await expect(run({ data: join(dir, 'nowhere') })).rejects.toThrow(/^no Vigie database in .*nowhere: give the --data folder/);
  });
});
