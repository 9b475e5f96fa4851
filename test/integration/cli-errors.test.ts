import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVigie } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, 'ok.yaml');
writeFileSync(config, 'cameras:\n  - id: cam\n    source: x.mp4\n');

/** A user-facing failure: non-zero exit, one line on stderr naming the problem, no stack trace. */
function expectOneLineError(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('vigie CLI errors', () => {
  it('analyze on a missing file exits non-zero with one line', async () => {
    const r = await runVigie(['analyze', join(dir, 'nope.mp4'), '--config', config]);
    expectOneLineError(r, /^vigie: .*not found: .*nope\.mp4/i);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('analyze on a file that is not a video exits non-zero with one line', async () => {
    const garbage = join(dir, 'garbage.mp4');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    const r = await runVigie(['analyze', garbage, '--config', config]);
    expectOneLineError(r, /^vigie: .*(not a video|no video)/i);
  });

  it('a config error names the YAML path and the fix', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'cameras:\n  - id: cam\n    source: x.mp4\n    zones:\n      - id: z\n        polygon: [[0,0],[1,0],[1,1.5]]\n');
    const r = await runVigie(['analyze', join(dir, 'nope.mp4'), '--config', bad]);
    expectOneLineError(r, /cameras\[0\]\.zones\[0\]\.polygon\[2\]\[1\]: must be <= 1/);
  });

  it('eval mot on a malformed file names the file and line', async () => {
    const res = join(dir, 'res.txt');
    writeFileSync(res, '1,1,10,10,5,5,1,-1,-1,-1\n2,1,ten,10,5,5,1,-1,-1,-1\n');
    const r = await runVigie(['eval', 'mot', '--gt', res, '--res', res]);
    expectOneLineError(r, /res\.txt:2: field 3 \(left\) is not a number/);
  });

  it('--help lists the commands', async () => {
    const r = await runVigie(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['analyze', 'track', 'eval', 'demo']) expect(r.stdout).toContain(cmd);
  });
});
