import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from './errors.js';

/** A Debian package the demo needs, and how to tell it is there. */
export interface Requirement {
  readonly pkg: string;
  readonly present: () => boolean;
}

export interface SystemDeps {
  readonly onPath: (command: string) => boolean;
  readonly isRoot: boolean;
  /** Runs a command with the terminal attached; returns its exit code. */
  readonly run: (command: string, args: readonly string[]) => number;
  readonly print: (line: string) => void;
}

export function commandOnPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

export const realSystem = (print: (line: string) => void): SystemDeps => ({
  onPath: commandOnPath,
  isRoot: process.getuid?.() === 0,
  run: (command, args) => spawnSync(command, args, { stdio: 'inherit' }).status ?? 1,
  print,
});

/**
 * Makes sure the system packages are there: installs the missing ones with
 * apt-get when it can (root on Debian), otherwise stops and says exactly what to run.
 */
export function ensureSystemPackages(requirements: readonly Requirement[], sys: SystemDeps): void {
  const missing = requirements.filter((r) => !r.present()).map((r) => r.pkg);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (!sys.isRoot || !sys.onPath('apt-get')) {
    throw new UserError(`missing system package(s) ${missing.join(', ')}: run "${sys.isRoot ? '' : 'sudo '}${command}" (or your system's equivalent), then start again`);
  }
  sys.print(`Installing missing system package(s) ${missing.join(', ')}: ${command}`);
  const ok = sys.run('apt-get', ['update']) === 0 && sys.run('apt-get', ['install', '-y', ...missing]) === 0;
  const still = requirements.filter((r) => !r.present()).map((r) => r.pkg);
  if (!ok || still.length > 0) throw new UserError(`could not install ${still.join(', ') || missing.join(', ')}: run "${command}" and look at its errors`);
}
