import { describe, expect, it } from 'vitest';
import { ensureSystemPackages, type Requirement, type SystemDeps } from '../../src/cli/system-packages.js';

/** A machine where `installed` packages are present and apt-get installs what it is asked for (unless `aptFails`). */
function machine(options: { isRoot: boolean; apt: boolean; installed: string[]; aptFails?: boolean }) {
  const installed = new Set(options.installed);
  const runs: string[] = [];
  const printed: string[] = [];
  const sys: SystemDeps = {
    onPath: (c) => (c === 'apt-get' ? options.apt : installed.has(c)),
    isRoot: options.isRoot,
    run: (command, args) => {
      runs.push([command, ...args].join(' '));
      if (options.aptFails) return 100;
      if (args[0] === 'install') for (const pkg of args.slice(2)) installed.add(pkg);
      return 0;
    },
    print: (line) => printed.push(line),
  };
  const requirements: Requirement[] = ['ffmpeg', 'opencv-doc'].map((pkg) => ({ pkg, present: () => installed.has(pkg) }));
  return { sys, runs, printed, requirements };
}

describe('system packages the demo needs', () => {
  it('does nothing when everything is installed', () => {
    const m = machine({ isRoot: true, apt: true, installed: ['ffmpeg', 'opencv-doc'] });
    ensureSystemPackages(m.requirements, m.sys);
    expect(m.runs).toEqual([]);
  });

  it('installs what is missing with apt-get when it runs as root on Debian, and says so', () => {
    const m = machine({ isRoot: true, apt: true, installed: ['opencv-doc'] });
    ensureSystemPackages(m.requirements, m.sys);
    expect(m.runs).toEqual(['apt-get update', 'apt-get install -y ffmpeg']);
    expect(m.printed[0]).toContain('apt-get install -y ffmpeg');
  });

  it('otherwise stops and says exactly what to run', () => {
    const m = machine({ isRoot: false, apt: true, installed: [] });
    expect(() => ensureSystemPackages(m.requirements, m.sys)).toThrow('run "sudo apt-get update && apt-get install -y ffmpeg opencv-doc"');
    expect(m.runs).toEqual([]);
  });

  it('reports a failed installation with the command to retry', () => {
    const m = machine({ isRoot: true, apt: true, installed: [], aptFails: true });
    expect(() => ensureSystemPackages(m.requirements, m.sys)).toThrow(/could not install ffmpeg, opencv-doc: run "apt-get update && apt-get install -y ffmpeg opencv-doc"/);
  });
});
