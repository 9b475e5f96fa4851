/**
 * The instance's Ed25519 signing key: created at first use under
 * `<data>/keys/`, the private key readable by its owner only (0600). Its
 * fingerprint (SHA-256 of the public key's DER encoding, hex) identifies the
 * instance in reports and in the console.
 */
import { createHash, createPrivateKey, randomBytes, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvidenceError } from './errors.js';

export const PRIVATE_KEY_FILE = 'instance-ed25519.key.pem';
export const PUBLIC_KEY_FILE = 'instance-ed25519.pub.pem';

export interface PublicKeyInfo {
  readonly algorithm: 'Ed25519';
  readonly publicKeyPem: string;
  /** Hex SHA-256 of the SubjectPublicKeyInfo DER. */
  readonly fingerprint: string;
}

export interface InstanceKey extends PublicKeyInfo {
  /** Ed25519 signature of `data`. */
  sign(data: Uint8Array): Buffer;
}

/** Hex SHA-256 of a public key's DER (SPKI) encoding. */
export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Parses a PEM public key and checks it is Ed25519; the message says what is wrong. */
export function parsePublicKey(pem: string | Buffer, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new EvidenceError('INVALID', `${what} is not a PEM public key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new EvidenceError('INVALID', `${what} is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  return key;
}

export function verifySignature(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

function fromPrivateKey(privateKey: KeyObject): InstanceKey {
  const publicKey = createPublicKey(privateKey);
  return {
    algorithm: 'Ed25519',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: keyFingerprint(publicKey),
    sign: (data) => sign(null, data, privateKey),
  };
}

async function readPrivateKey(path: string): Promise<KeyObject | null> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new EvidenceError('UNAVAILABLE', `cannot read the instance key ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)} (check the data folder's permissions)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new EvidenceError('UNAVAILABLE', `${path} is not a PEM private key: restore it from backup (a new key would not match bundles already given out)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new EvidenceError('UNAVAILABLE', `${path} is not an Ed25519 key: restore the instance key from backup`);
  return key;
}

/**
 * Loads the instance key from `<dataDir>/keys/`, creating it on first use.
 * Two processes creating it at once agree on one key: the private key is
 * written to a temporary name and hard-linked into place, which fails if the
 * other process won.
 */
export async function loadInstanceKey(dataDir: string): Promise<InstanceKey> {
  const dir = join(dataDir, 'keys');
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const existing = await readPrivateKey(privatePath);
  if (existing) return fromPrivateKey(existing);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const temp = `${privatePath}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    await chmod(temp, 0o600);
    try {
      await link(temp, privatePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await rm(temp, { force: true });
    }
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError('UNAVAILABLE', `cannot create the instance key in ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)} (check the data folder's permissions)`);
  }
  const key = await readPrivateKey(privatePath);
  if (!key) throw new EvidenceError('UNAVAILABLE', `the instance key ${privatePath} vanished while being created`);
  const info = fromPrivateKey(key);
  // The public half, for people who copy it out of the data folder by hand.
  await writeFile(join(dir, PUBLIC_KEY_FILE), info.publicKeyPem, { mode: 0o644 }).catch(() => undefined);
  return info;
}
