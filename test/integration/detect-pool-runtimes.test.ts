/**
 * The pool's workers must start however Vigie runs TypeScript without a build:
 * vitest (the unit tests), the tsx CLI (`npm start`) and tsx's `register()` API
 * (bin/vigie.js). This test covers the last two in child processes.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = 'test/helpers/detect-pool-script.ts';
const run = promisify(execFile);

const EXPECTED = { name: 'pool(fakex2)', detections: [{ box: [42, 0, 43, 1], score: 1, cls: 'person' }] };

describe('detector pool workers start under every TypeScript runtime of the project', () => {
  it('under the tsx CLI', async () => {
    const { stdout } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), [SCRIPT], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual(EXPECTED);
  });

  it("under tsx's register() API, as bin/vigie.js runs the CLI", async () => {
    const bootstrap = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(`./${SCRIPT}`)});`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', bootstrap], { cwd: ROOT });
    expect(JSON.parse(stdout)).toEqual(EXPECTED);
  });
});
