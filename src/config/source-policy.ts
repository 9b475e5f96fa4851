/**
 * Which camera sources Vigie opens (docs/SECURITY.md, "Camera sources allow-list").
 *
 * ffmpeg opens far more than cameras: `file:`, `concat:`, `subfile,`, `pipe:`,
 * `data:`, `ftp:`, `tcp:`, `udp:`, `crypto:`... can read local files or reach
 * internal services. A source is therefore either a URL with one of
 * ALLOWED_SCHEMES or a local file path, never anything ffmpeg could read as
 * another protocol or as an option. Local files are further limited when the
 * source comes from the API (not from the IT admin's config file): see
 * `apiSourceProblem`. Pure: the file system is reached only through the
 * injected `realpath`.
 */
import { dirname, basename, isAbsolute, join, sep } from 'node:path';
import { isSealed } from '../security/secret-box.js';

/** URL schemes a camera source may use. */
export const ALLOWED_SCHEMES = ['rtsp', 'rtsps', 'http', 'https'] as const;

/** Longest source accepted (a URL or a path); real ones are far shorter. */
export const MAX_SOURCE_LENGTH = 4096;

/** How ffmpeg will open a source: which input options and protocols it gets. */
export type SourceKind = 'file' | 'rtsp' | 'http';

export type SourceCheck = { readonly ok: true; readonly kind: SourceKind } | { readonly ok: false; readonly problem: string };

// What ffmpeg reads as a protocol prefix: scheme characters up to the first ':' (libavformat/avio.c).
const SCHEME_PREFIX = /^([A-Za-z0-9+.-]+):/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * The checks every source passes, wherever it comes from. `problem` says what is
 * wrong and how to fix it (the caller adds where, e.g. `cameras[0].source`).
 */
export function classifySource(source: string): SourceCheck {
  const refuse = (problem: string): SourceCheck => ({ ok: false, problem });
  if (source.trim() === '') return refuse('empty source: give a file path or an rtsp://, rtsps://, http:// or https:// URL');
  if (source.length > MAX_SOURCE_LENGTH) return refuse(`source is ${source.length} characters long; at most ${MAX_SOURCE_LENGTH} are accepted`);
  if (CONTROL_CHARACTER.test(source)) return refuse('source contains a control character (newline, tab, NUL...): remove it');
  if (source.startsWith('-')) return refuse('source starts with "-", which ffmpeg would read as an option: write a file path as ./-name or give a URL');
  // `subfile,,start,...,:file` is a protocol although no ':' follows the name.
  if (/^subfile,/i.test(source)) return refuse('scheme subfile is not allowed: use rtsp, rtsps, http or https, or a plain file path');
  const scheme = SCHEME_PREFIX.exec(source)?.[1];
  if (scheme === undefined) return { ok: true, kind: 'file' };
  const lower = scheme.toLowerCase();
  if (!(ALLOWED_SCHEMES as readonly string[]).includes(lower)) {
    // The value itself is not repeated: a URL may carry credentials.
    return refuse(`scheme ${scheme} is not allowed: use rtsp, rtsps, http or https (write a file name holding ':' as ./name)`);
  }
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return refuse(`not a valid ${lower} URL: write it as ${lower}://host[:port]/path`);
  }
  if (url.hostname === '') return refuse(`${lower} URL without a host: write it as ${lower}://host[:port]/path`);
  return { ok: true, kind: lower.startsWith('rtsp') ? 'rtsp' : 'http' };
}

/** The problem with a source's form (see classifySource), or null. Sealed values stored in the database are opaque here. */
export function sourceFormProblem(source: string): string | null {
  if (isSealed(source)) return null;
  const check = classifySource(source);
  return check.ok ? null : check.problem;
}

/** Resolves a path through symlinks and `..` as the OS will (realpath); null when it does not exist. */
export type RealPath = (path: string) => string | null;

/** Where local files may come from when a source is set through the API (the IT admin decides, not the console). */
export interface FileSourcePolicy {
  /** Folders given with `--allow-file-sources` / VIGIE_ALLOW_FILE_SOURCES, as given (resolved when checked). */
  readonly allowedDirs: readonly string[];
  /**
   * Sources the IT admin wrote in the config file Vigie was started with (or last imported),
   * keyed by camera id: `cameraKey(id, source)`. The API may keep them unchanged.
   */
  readonly trusted: ReadonlySet<string>;
}

export const cameraKey = (cameraId: string, source: string): string => `${cameraId}\n${source}`;

/** No file source from the API at all: the policy when the IT admin allowed nothing. */
export const NO_FILE_SOURCES: FileSourcePolicy = { allowedDirs: [], trusted: new Set() };

/**
 * The problem with a source set or kept through the API, or null. Network URLs
 * pass; a file passes when it is the one the IT admin configured for this
 * camera, or when it lies (after resolving symlinks and `..`) inside an allowed folder.
 */
export function apiSourceProblem(cameraId: string, source: string, policy: FileSourcePolicy, realpath: RealPath): string | null {
  const check = classifySource(source);
  if (!check.ok) return check.problem;
  if (check.kind !== 'file' || policy.trusted.has(cameraKey(cameraId, source))) return null;
  const how = 'the IT admin allows a folder with "vigie start --allow-file-sources DIR" or VIGIE_ALLOW_FILE_SOURCES (docs/SECURITY.md)';
  if (policy.allowedDirs.length === 0) return `local file sources cannot be set through the API: give an rtsp:// or http(s):// URL, or ${how}`;
  if (!isAbsolute(source)) return `a local file source set through the API must be an absolute path inside an allowed folder (${policy.allowedDirs.join(', ')})`;
  const real = resolveFile(source, realpath);
  if (real === null) return `folder of ${source} does not exist: give an existing path inside an allowed folder (${policy.allowedDirs.join(', ')})`;
  const dirs = policy.allowedDirs.map((d) => realpath(d)).filter((d): d is string => d !== null);
  if (dirs.some((dir) => isInside(real, dir))) return null;
  return `${source} is outside the folders allowed for file sources (${policy.allowedDirs.join(', ')}): move the file there, or ${how}`;
}

/** The real path of a file, or of its folder joined with its name when the file itself does not exist yet. */
function resolveFile(path: string, realpath: RealPath): string | null {
  const real = realpath(path);
  if (real !== null) return real;
  const name = basename(path);
  if (name === '' || name === '.' || name === '..') return null;
  const parent = realpath(dirname(path));
  return parent === null ? null : join(parent, name);
}

const isInside = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);

/** Folders listed in VIGIE_ALLOW_FILE_SOURCES (separated like PATH: ':'), empty entries left out. */
export function allowedDirsFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(':').map((d) => d.trim()).filter((d) => d !== '');
}

/**
 * The file sources a configuration's camera may keep through the API: those of a
 * config file written by the IT admin. Network sources need no trust.
 */
export function trustedFileSources(config: { readonly cameras: readonly { readonly id: string; readonly source: string }[] } | null | undefined): Set<string> {
  const trusted = new Set<string>();
  for (const camera of config?.cameras ?? []) {
    const check = classifySource(camera.source);
    if (check.ok && check.kind === 'file') trusted.add(cameraKey(camera.id, camera.source));
  }
  return trusted;
}

/** The problems of every camera of a configuration under the API policy, with their YAML path. */
export function apiConfigProblems(
  config: { readonly cameras: readonly { readonly id: string; readonly source: string }[] },
  policy: FileSourcePolicy,
  realpath: RealPath,
): string[] {
  const problems: string[] = [];
  config.cameras.forEach((camera, i) => {
    const problem = apiSourceProblem(camera.id, camera.source, policy, realpath);
    if (problem) problems.push(`cameras[${i}].source: ${problem}`);
  });
  return problems;
}
