/**
 * `npm run bench [-- --only name,name] [-- --write]`: runs the benchmarks and prints
 * a Markdown table; `--write` replaces the generated section of docs/BENCHMARKS.md.
 * Benchmarks time things; tests never do.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { SUITES, type Measure } from './suites.js';

const { values } = parseArgs({ options: { only: { type: 'string' }, write: { type: 'boolean', default: false } } });
const only = values.only?.split(',');
const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

const measures: Measure[] = [];
for (const suite of SUITES) {
  if (only && !only.includes(suite.name)) continue;
  const missing = suite.needs.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    process.stderr.write(`skip ${suite.name}: ${missing.join(', ')} not found (set VIGIE_DATASETS)\n`);
    continue;
  }
  process.stderr.write(`running ${suite.name}...\n`);
  const results = await suite.run();
  for (const m of results) process.stderr.write(`  ${m.bench}: ${m.metric} = ${m.value} ${m.unit}\n`);
  measures.push(...results);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const table = [
  `Run on ${new Date().toISOString().slice(0, 10)}, ${os.availableParallelism()} cores (${cpu}), Node ${process.version}.`,
  '',
  '| benchmark | metric | value |',
  '|---|---|---|',
  ...measures.map((m) => `| ${m.bench} | ${m.metric} | ${m.value}${m.unit ? ` ${m.unit}` : ''} |`),
].join('\n');
process.stdout.write(`${table}\n`);

if (values.write) {
  const path = 'docs/BENCHMARKS.md';
  const doc = readFileSync(path, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path} has no ${BEGIN} ... ${END} section`);
  writeFileSync(path, `${doc.slice(0, start + BEGIN.length)}\n${table}\n${doc.slice(end)}`);
  process.stderr.write(`updated ${path}\n`);
}
