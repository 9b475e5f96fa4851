import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { systemRealPath } from '../../src/config/real-path.js';
import {
  allowedDirsFromEnv,
  apiConfigProblems,
  apiSourceProblem,
  cameraKey,
  classifySource,
  NO_FILE_SOURCES,
  trustedFileSources,
  type FileSourcePolicy,
  type RealPath,
} from '../../src/config/source-policy.js';
import { problemsOf } from '../helpers/config-problems.js';

/** A file system of a few real paths, everything else absent. */
const fakeRealPath = (real: Record<string, string>): RealPath => (path) => real[path] ?? null;

describe('classifySource', () => {
  it.each([
    ['rtsp://10.0.0.5/stream1', 'rtsp'],
    ['rtsps://user:pw@cam.example/live', 'rtsp'],
    ['RTSP://cam/x', 'rtsp'],
    ['http://127.0.0.1:8554/cam.m3u8', 'http'],
    ['https://cam.example/live.ts', 'http'],
    ['/var/footage/gare.mp4', 'file'],
    ['clips/vtest.avi', 'file'],
    ['./weird:name.mp4', 'file'],
    ['file with: colon.mp4', 'file'],
  ])('%s is a %s source', (source, kind) => {
    expect(classifySource(source)).toEqual({ ok: true, kind });
  });

  it.each([
    ['file:/etc/passwd', /scheme file is not allowed/],
    ['concat:/a.mp4|/b.mp4', /scheme concat is not allowed/],
    ['subfile,,0,100,,:/etc/shadow', /scheme subfile is not allowed/],
    ['pipe:0', /scheme pipe is not allowed/],
    ['data:video/mp4;base64,AAAA', /scheme data is not allowed/],
    ['ftp://host/x.mp4', /scheme ftp is not allowed/],
    ['tcp://10.0.0.1:22', /scheme tcp is not allowed/],
    ['udp://239.0.0.1:1234', /scheme udp is not allowed/],
    ['crypto:/x', /scheme crypto is not allowed/],
    ['async:/x', /scheme async is not allowed/],
    ['gopher://internal/', /scheme gopher is not allowed/],
    ['hls+http://cam/x.m3u8', /scheme hls\+http is not allowed/],
    ['-i', /starts with "-"/],
    ['-protocol_whitelist', /starts with "-"/],
    ['/footage/a.mp4\n-f', /control character/],
    ['a\u0000.mp4', /control character/],
    ['   ', /empty source/],
    ['rtsp://', /not a valid rtsp URL|without a host/],
    ['x'.repeat(5000), /at most 4096/],
  ])('refuses %j', (source, message) => {
    const check = classifySource(source);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problem).toMatch(message);
  });
});

describe('the schema refuses dangerous sources wherever the config comes from', () => {
  it('never repeats the refused value, which may carry credentials', () => {
    const check = classifySource('ftp://admin:hunter2@10.0.0.5/x.mp4');
    expect(!check.ok && check.problem).not.toContain('hunter2');
  });

  it('names the camera path and the fix', () => {
    const [problem] = problemsOf('cameras:\n  - id: gare\n    source: "concat:/a.mp4|/b.mp4"\n');
    expect(problem).toMatch(/^cameras\[0\]\.source: scheme concat is not allowed: use rtsp, rtsps, http or https/);
    expect(problemsOf('cameras:\n  - id: gare\n    source: "-i"\n')[0]).toMatch(/^cameras\[0\]\.source: source starts with "-"/);
  });

  it('still accepts files and allowed URLs, and sealed values read back from the database', () => {
    const config = parseConfig({
      cameras: [
        { id: 'a', source: 'vtest.avi' },
        { id: 'b', source: 'rtsp://127.0.0.1:8554/b' },
        { id: 'c', source: 'enc:v1:0123abcd:AAAA' },
      ],
    });
    expect(config.cameras.map((c) => c.source)).toEqual(['vtest.avi', 'rtsp://127.0.0.1:8554/b', 'enc:v1:0123abcd:AAAA']);
  });
});

describe('apiSourceProblem: what the API may set', () => {
  const realpath = fakeRealPath({ '/srv': '/srv', '/srv/clips': '/srv/clips', '/srv/clips/a.mp4': '/srv/clips/a.mp4', '/srv/clips/link.mp4': '/etc/passwd', '/srv/clips/up': '/srv' });
  const policy: FileSourcePolicy = { allowedDirs: ['/srv/clips'], trusted: new Set([cameraKey('gare', '/opt/it/gare.mp4')]) };

  it('accepts network URLs whatever the file policy', () => {
    expect(apiSourceProblem('x', 'rtsp://127.0.0.1:8554/cam', NO_FILE_SOURCES, realpath)).toBeNull();
    expect(apiSourceProblem('x', 'https://cam/live.m3u8', NO_FILE_SOURCES, realpath)).toBeNull();
  });

  it('refuses every local file when no folder is allowed, saying who can allow one', () => {
    expect(apiSourceProblem('x', '/srv/clips/a.mp4', NO_FILE_SOURCES, realpath)).toMatch(/cannot be set through the API.*--allow-file-sources/);
  });

  it('accepts a file inside an allowed folder, also one not written yet', () => {
    expect(apiSourceProblem('x', '/srv/clips/a.mp4', policy, realpath)).toBeNull();
    expect(apiSourceProblem('x', '/srv/clips/new.mp4', policy, realpath)).toBeNull();
  });

  it('resolves symlinks and .. so that they cannot leave the allowed folder', () => {
    expect(apiSourceProblem('x', '/srv/clips/link.mp4', policy, realpath)).toMatch(/outside the folders allowed/);
    expect(apiSourceProblem('x', '/srv/clips/up/secret.mp4', policy, realpath)).toMatch(/outside the folders allowed/);
    expect(apiSourceProblem('x', '/srv/clipsX/a.mp4', policy, realpath)).toMatch(/does not exist|outside/);
    expect(apiSourceProblem('x', 'relative.mp4', policy, realpath)).toMatch(/absolute path/);
  });

  it('keeps the file the IT admin configured for that camera, and only for that camera', () => {
    expect(apiSourceProblem('gare', '/opt/it/gare.mp4', policy, realpath)).toBeNull();
    expect(apiSourceProblem('autre', '/opt/it/gare.mp4', policy, realpath)).toMatch(/outside the folders allowed|does not exist/);
  });

  it('applies the always-refused rules first', () => {
    expect(apiSourceProblem('gare', 'file:/opt/it/gare.mp4', policy, realpath)).toMatch(/scheme file is not allowed/);
  });

  it('lists the problems of a configuration with their YAML path', () => {
    const config = { cameras: [{ id: 'a', source: 'rtsp://cam/a' }, { id: 'b', source: '/srv/other.mp4' }] };
    expect(apiConfigProblems(config, policy, realpath)).toEqual([expect.stringMatching(/^cameras\[1\]\.source: \/srv\/other\.mp4 is outside/)]);
  });
});

describe('on a real file system', () => {
  const root = mkdtempSync(join(tmpdir(), 'vigie-source-policy-'));
  const allowed = join(root, 'allowed');
  mkdirSync(allowed);
  writeFileSync(join(allowed, 'a.mp4'), 'x');
  writeFileSync(join(root, 'secret.mp4'), 'x');
  symlinkSync(join(root, 'secret.mp4'), join(allowed, 'escape.mp4'));
  symlinkSync(root, join(allowed, 'parent'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const policy: FileSourcePolicy = { allowedDirs: [allowed], trusted: new Set() };

  it('a symlink or a .. out of the allowed folder is refused, a file inside accepted', () => {
    expect(apiSourceProblem('x', join(allowed, 'a.mp4'), policy, systemRealPath)).toBeNull();
    expect(apiSourceProblem('x', join(allowed, 'escape.mp4'), policy, systemRealPath)).toMatch(/outside/);
    expect(apiSourceProblem('x', `${allowed}/parent/secret.mp4`, policy, systemRealPath)).toMatch(/outside/);
    expect(apiSourceProblem('x', `${allowed}/../secret.mp4`, policy, systemRealPath)).toMatch(/outside/);
  });
});

describe('helpers', () => {
  it('reads VIGIE_ALLOW_FILE_SOURCES like PATH', () => {
    expect(allowedDirsFromEnv('/a: /b ::')).toEqual(['/a', '/b']);
    expect(allowedDirsFromEnv(undefined)).toEqual([]);
  });

  it('trusts the file sources of a config file, per camera', () => {
    expect([...trustedFileSources({ cameras: [{ id: 'a', source: '/x.mp4' }, { id: 'b', source: 'rtsp://cam/b' }] })]).toEqual([cameraKey('a', '/x.mp4')]);
    expect(trustedFileSources(null).size).toBe(0);
  });
});
