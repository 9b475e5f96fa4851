/**
 * Checks a bundle: the signature of `manifest.json` by the key (the bundle's
 * own, or a known instance key), then every file's size and SHA-256 against
 * the manifest, and that the bundle holds nothing the manifest does not list.
 * Every problem is reported, each naming its file.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { keyFingerprint, parsePublicKey, verifySignature } from './instance-key.js';
import { MANIFEST_FILE, PUBLIC_KEY_FILE_IN_BUNDLE, SIGNATURE_FILE, UNLISTED_FILES, manifestSchema, type Manifest } from './manifest.js';
import { openZip, type ZipEntry, type ZipReader } from './zip.js';

export interface Verification {
  readonly valid: boolean;
  /** One line per problem, each naming the file concerned. */
  readonly problems: readonly string[];
  /** Set when the manifest could be read (even if its signature is wrong). */
  readonly manifest: Manifest | null;
  /** Fingerprint of the key the signature was checked with. */
  readonly keyFingerprint: string | null;
  /** true when checked against a key given by the caller, not only the bundle's own. */
  readonly keyFromCaller: boolean;
  readonly filesChecked: number;
}

async function hashEntry(zip: ZipReader, entry: ZipEntry): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of zip.chunks(entry)) hash.update(chunk);
  return hash.digest('hex');
}

/** The key to check the signature with, and the problems found choosing it. */
function chooseKey(bundlePem: Buffer | null, knownKeyPem: string | null, problems: string[]): KeyObject | null {
  let bundleKey: KeyObject | null = null;
  if (bundlePem) {
    try {
      bundleKey = parsePublicKey(bundlePem, PUBLIC_KEY_FILE_IN_BUNDLE);
    } catch (err) {
      problems.push(`${PUBLIC_KEY_FILE_IN_BUNDLE}: altered (${(err as Error).message})`);
    }
  }
  if (knownKeyPem === null) return bundleKey;
  const known = parsePublicKey(knownKeyPem, 'the key given with --key');
  if (bundleKey && keyFingerprint(bundleKey) !== keyFingerprint(known)) {
    problems.push(`${PUBLIC_KEY_FILE_IN_BUNDLE}: the bundle carries another key (fingerprint ${keyFingerprint(bundleKey)}) than the one given (${keyFingerprint(known)}): it was not signed by that instance`);
  }
  return known;
}

/**
 * Verifies the bundle at `path`. Throws EvidenceError only when the file is not
 * a readable bundle at all (or the given key is not an Ed25519 public key).
 */
export async function verifyBundle(path: string, options: { readonly knownKeyPem?: string } = {}): Promise<Verification> {
  if (options.knownKeyPem !== undefined) parsePublicKey(options.knownKeyPem, 'the key given with --key');
  const zip = await openZip(path);
  try {
    const problems: string[] = [];
    const byName = new Map<string, ZipEntry>();
    for (const entry of zip.entries) {
      if (byName.has(entry.name)) problems.push(`${entry.name}: appears twice in the bundle (added after export)`);
      byName.set(entry.name, entry);
    }
    const readSmall = async (name: string): Promise<Buffer | null> => {
      const entry = byName.get(name);
      if (!entry) {
        problems.push(`${name}: missing`);
        return null;
      }
      if (entry.size > 16 * 1024 * 1024) {
        problems.push(`${name}: ${entry.size} bytes, far too large: altered`);
        return null;
      }
      return zip.read(entry);
    };
    const manifestBytes = await readSmall(MANIFEST_FILE);
    const signature = await readSmall(SIGNATURE_FILE);
    const key = chooseKey(await readSmall(PUBLIC_KEY_FILE_IN_BUNDLE), options.knownKeyPem ?? null, problems);

    if (manifestBytes && signature && key && !verifySignature(key, manifestBytes, signature)) {
      problems.push(`signature invalid: ${MANIFEST_FILE} does not match ${SIGNATURE_FILE} under ${options.knownKeyPem ? 'the given key' : PUBLIC_KEY_FILE_IN_BUNDLE} (one of them was altered or swapped)`);
    }

    let manifest: Manifest | null = null;
    if (manifestBytes) {
      try {
        manifest = manifestSchema.parse(JSON.parse(manifestBytes.toString('utf8')));
      } catch {
        problems.push(`${MANIFEST_FILE}: not a Vigie manifest (altered)`);
      }
    }
    let filesChecked = 0;
    if (manifest) {
      if (key && manifest.key_fingerprint !== keyFingerprint(key)) {
        problems.push(`${MANIFEST_FILE}: names key ${manifest.key_fingerprint}, but the signature was checked with ${keyFingerprint(key)}`);
      }
      const listed = new Set<string>();
      for (const file of manifest.files) {
        listed.add(file.name);
        const entry = byName.get(file.name);
        if (!entry) {
          problems.push(`${file.name}: missing`);
          continue;
        }
        filesChecked += 1;
        if (entry.size !== file.bytes) {
          problems.push(`${file.name}: altered (${entry.size} bytes, the manifest says ${file.bytes})`);
          continue;
        }
        const sha = await hashEntry(zip, entry);
        if (sha !== file.sha256) problems.push(`${file.name}: altered (SHA-256 ${sha}, the manifest says ${file.sha256})`);
      }
      for (const name of byName.keys()) {
        if (!listed.has(name) && !UNLISTED_FILES.includes(name)) problems.push(`${name}: not in the manifest (added after export)`);
      }
    }
    return {
      valid: problems.length === 0,
      problems,
      manifest,
      keyFingerprint: key ? keyFingerprint(key) : null,
      keyFromCaller: options.knownKeyPem !== undefined,
      filesChecked,
    };
  } finally {
    await zip.close();
  }
}
