import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFileFormat, reportPeriod } from '../../src/cli/commands/report.js';
import { configSchema } from '../../src/config/schema.js';
import type { VigieEvent } from '../../src/contracts/event.js';
import { reportTables } from '../../src/reports/csv.js';
import { computeTrialStatistics } from '../../src/reports/index.js';
import type { TrialStatistics } from '../../src/reports/types.js';
import { CHROMIUM_PATHS } from '../../src/reports/render-pdf.js';
import { createRepositories, openDatabase, type Qualification } from '../../src/store/index.js';
import { runVigie } from '../helpers/cli.js';

/*
 * `vigie report` end to end: a database seeded through the repositories with
 * known alerts and operator actions, the real executable for each format,
 * and the files read back the way a person (or a spreadsheet) would.
 */

const dir = mkdtempSync(join(tmpdir(), 'vigie-report-cli-'));
const FROM = '2027-02-01T00:00:00+01:00';
const TO = '2027-03-01T00:00:00+01:00';
const chromium = process.env.VIGIE_CHROMIUM ?? CHROMIUM_PATHS.find((p) => existsSync(p));
const poppler = ['pdftoppm', 'pdftotext'].every((tool) => {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

/** Six alerts in February on two cameras, one shadow alert and one in March (both left out). */
const SEED: readonly { id: string; camera: string; type: VigieEvent['type']; start: string; qualify?: Qualification; shadow?: boolean }[] = [
  { id: 'e1', camera: 'parvis', type: 'intrusion', start: '2027-02-03T09:10:00Z', qualify: 'true_alert' },
  { id: 'e2', camera: 'parvis', type: 'intrusion', start: '2027-02-03T22:05:00Z', qualify: 'true_alert' },
  { id: 'e3', camera: 'parvis', type: 'intrusion', start: '2027-02-10T22:40:00Z', qualify: 'false_alarm' },
  { id: 'e4', camera: 'parvis', type: 'intrusion', start: '2027-02-17T14:00:00Z', qualify: 'duplicate' },
  { id: 'e5', camera: 'gare', type: 'gathering', start: '2027-02-20T18:30:00Z', qualify: 'true_alert' },
  { id: 'e6', camera: 'gare', type: 'gathering', start: '2027-02-25T07:15:00Z' },
  { id: 'shadow', camera: 'gare', type: 'loitering', start: '2027-02-12T12:00:00Z', shadow: true },
  { id: 'march', camera: 'parvis', type: 'intrusion', start: '2027-03-02T12:00:00Z', qualify: 'true_alert' },
];
/** Every qualification is made 90 s after its alert started. */
const ACK_AFTER_MS = 90_000;

let model: TrialStatistics;

beforeAll(async () => {
  let now = Date.parse('2027-01-20T10:00:00Z');
  const store = await openDatabase({ dataDir: dir });
  try {
    const repos = createRepositories(store.db, { now: () => now });
    await repos.config.save(configSchema.parse({ timezone: 'Europe/Paris', cameras: [{ id: 'parvis', source: 'rtsp://10.0.0.5/live' }, { id: 'gare', source: 'rtsp://10.0.0.6/live' }] }), { userId: null });
    const operator = await repos.users.create({ username: 'claire', displayName: 'Claire', role: 'operator', passwordHash: 'x' });
    for (const s of SEED) {
      now = Date.parse(s.start);
      await repos.events.upsert({
        id: s.id,
        camera: s.camera,
        rule: `${s.type}-rule`,
        type: s.type,
        severity: 'high',
        start: 0,
        end: null,
        start_time: s.start,
        track_ids: [1],
        classes: ['person'],
        box: [0.4, 0.2, 0.1, 0.2],
        score: 0.8,
        snapshot: null,
        clip: null,
        details: s.shadow ? { shadow: true } : {},
      });
      if (s.qualify) {
        now += ACK_AFTER_MS;
        await repos.events.applyAction(s.id, { kind: 'qualify', value: s.qualify, userId: operator.id });
      }
    }
    const config = (await repos.config.current())?.config ?? null;
    model = await computeTrialStatistics(repos, config, { from: new Date(FROM).toISOString(), to: new Date(TO).toISOString(), cameras: null, timeZone: 'Europe/Paris' }, Date.now());
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function report(format: string, extra: readonly string[] = []): Promise<{ file: string; summary: Record<string, unknown> }> {
  const file = join(dir, `rapport.${format}`);
  const r = await runVigie(['report', '--from', FROM, '--to', TO, '--format', format, '--out', file, '--data', dir, '--json', ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const summary = JSON.parse(r.stdout) as Record<string, unknown>;
  return { file, summary };
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  return rows;
}

describe('vigie report', () => {
  it('the model counts what was seeded (the figures the documents must show)', () => {
    expect(model.events.total).toBe(6);
    expect(model.qualification.overall).toMatchObject({ trueAlerts: 3, falseAlarms: 1, duplicates: 1, unqualified: 1, precision: 0.75 });
    expect(model.responseTimes.toAcknowledge).toMatchObject({ count: 5, medianS: 90 });
  });

  it('writes the HTML document: headline figures, charts inline, nothing external; audited', async () => {
    const { file, summary } = await report('html');
    expect(summary).toEqual({ file, bytes: statSync(file).size, format: 'html', period: { from: '2027-01-31T23:00:00.000Z', to: '2027-02-28T23:00:00.000Z', time_zone: 'Europe/Paris' }, events: 6 });
    const html = readFileSync(file, 'utf8');
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Alertes présentées aux opérateurs 6 ');
    expect(text).toContain('Précision (vraies alertes / alertes qualifiées vraies ou fausses) 75 % (n = 4, échantillon faible)');
    expect(text).toContain('Caméras couvertes 2 : gare, parvis');
    expect(html.match(/<svg /g)?.length).toBe(5);
    expect(html).not.toMatch(/<script|<link|src="http|url\(http/i);
    const store = await openDatabase({ dataDir: dir });
    try {
      const entries = await createRepositories(store.db).audit.list({ action: 'report.generate' });
      expect(entries[0]).toMatchObject({ actor: 'cli', details: { format: 'html', from: '2027-01-31T23:00:00.000Z', cameras: 'all', events: 6 } });
    } finally {
      await store.close();
    }
  });

  it('writes every table to one CSV a spreadsheet opens, with the figures of the model', async () => {
    const { file } = await report('csv');
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(['table', 'row', 'column', 'value']);
    expect(rows.every((r) => r.length === 4)).toBe(true);
    const value = (table: string, column: string, row = 1): string | undefined => rows.find((r) => r[0] === table && r[1] === String(row) && r[2] === column)?.[3];
    expect(value('report', 'events')).toBe('6');
    expect(value('report', 'time_zone')).toBe('Europe/Paris');
    // Every cell of every table of the model, in the same place.
    const expected = reportTables(model).flatMap((t) => t.rows.flatMap((cells, r) => t.columns.map((c, i) => [t.name, String(r + 1), c, cells[i] === null ? '' : String(cells[i])])));
    expect(rows.filter((r) => r[0] !== 'report')).toEqual(expected);
    expect(rows.find((r) => r[0] === 'precision_by_camera' && r[3] === 'parvis')).toBeDefined();
    expect(value('precision_by_camera', 'precision', 2)).toBe(String(model.qualification.perCamera[1]?.precision ?? ''));
  });

  it.skipIf(!chromium)(`prints the PDF with Chromium: pages with charts, and the figures as text${chromium ? '' : ' (skipped: no Chromium, apt-get install -y chromium)'}`, async () => {
    if (!poppler) throw new Error('pdftoppm and pdftotext are needed to read the PDF back: apt-get install -y poppler-utils');
    const { file, summary } = await report('pdf');
    expect(summary.format).toBe('pdf');
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    execFileSync('pdftoppm', ['-r', '50', '-png', file, join(dir, 'page')]);
    const pages = readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f)).sort();
    expect(pages.length).toBeGreaterThanOrEqual(5);
    // Page 2 starts "3. Alertes" (page 1: headline figures and method); its bar chart is drawn in the report's blue, text is black or grey.
    expect(execFileSync('pdftotext', ['-f', '2', '-l', '2', file, '-'], { encoding: 'utf8' })).toMatch(/^3\. Alertes/);
    const { data, info } = await sharp(join(dir, pages[1] as string)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let blue = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      const [r, b] = [data[i] as number, data[i + 2] as number];
      if (b - r > 60 && b > 100) blue += 1;
    }
    expect(blue).toBeGreaterThan(300);

    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toMatch(/Alertes présentées aux opérateurs 6 /);
    expect(text).toContain('75 % (n = 4, échantillon faible)');
    expect(text).toContain('Rapport Vigie du 2027-02-01 au 2027-02-28 — page 1 /');
    // The table behind the chart: 4 intrusions and 2 gatherings.
    expect(text).toMatch(/Intrusion dans une zone interdite 4 /);
    expect(text).toMatch(/Attroupement 2 /);
  });

  it('refuses a bad period or format, and fails on one line, without a stack, when Chromium is missing', async () => {
    // Checked before the database is opened (in-process: a spawn per case would only cost time).
    expect(() => reportPeriod({ from: '2027-02-01', to: TO })).toThrow('--from must be an ISO 8601 time with a zone, e.g. 2027-02-01T00:00:00+01:00 (got "2027-02-01")');
    expect(() => reportPeriod({ from: TO, to: FROM })).toThrow(`--to (${FROM}) must come after --from (${TO})`);
    expect(reportPeriod({ from: FROM, to: TO, cameras: ' gare,,parvis,gare ' }).cameras).toEqual(['gare', 'parvis']);
    expect(() => reportFileFormat({ out: 'rapport.docx' })).toThrow('give --format html, pdf or csv (--out rapport.docx has no such extension)');

    const saved = process.env.VIGIE_CHROMIUM;
    process.env.VIGIE_CHROMIUM = join(dir, 'no-chromium');
    try {
      const r = await runVigie(['report', '--from', FROM, '--to', TO, '--out', join(dir, 'x.pdf'), '--data', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`vigie: VIGIE_CHROMIUM=${join(dir, 'no-chromium')} does not exist: point it at a Chromium executable, or unset it\n`);
    } finally {
      if (saved === undefined) delete process.env.VIGIE_CHROMIUM;
      else process.env.VIGIE_CHROMIUM = saved;
    }
    expect(existsSync(join(dir, 'x.pdf'))).toBe(false);
  });
});
