import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SECRET_KEY_BYTES, SecretKeyError, createSecretBox, type SecretBox } from './secret-box.js';

/** Names the key file when it must live elsewhere than the data folder (another volume, a secrets mount). */
export const SECRETS_KEY_ENV = 'VIGIE_SECRETS_KEY_FILE';

/** `<data>/keys/secrets.key`, or the file named by VIGIE_SECRETS_KEY_FILE. */
export function secretKeyPath(dataDir: string, env: NodeJS.ProcessEnv): string {
  const fromEnv = env[SECRETS_KEY_ENV];
  return resolve(fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(dataDir, 'keys', 'secrets.key'));
}

export interface OpenSecretBoxOptions {
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  /**
   * True when the database already holds sealed values: a missing key file is
   * then an error (a new key could not open them), never silently replaced.
   */
  readonly sealedDataExists: boolean;
}

/**
 * Loads the secrets key (base64 of 32 random bytes, one line), creating it on
 * first use with mode 0600 in a 0700 folder. Errors are SecretKeyErrors naming
 * the file and what to do.
 */
export function openSecretBox(options: OpenSecretBoxOptions): { box: SecretBox; created: boolean } {
  const path = secretKeyPath(options.dataDir, options.env);
  if (!existsSync(path)) {
    if (options.sealedDataExists) {
      throw new SecretKeyError(
        `the camera credentials in the database are encrypted, but the key file ${path} does not exist: restore it from your backup (or set ${SECRETS_KEY_ENV} to where it is)`,
      );
    }
    return { box: createSecretBox(writeNewKey(path), path), created: true };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new SecretKeyError(`cannot read the secrets key file ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}): give the user running Vigie read access to it`, { cause: err });
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== SECRET_KEY_BYTES || key.toString('base64') !== text) {
    throw new SecretKeyError(`the secrets key file ${path} is not the base64 of ${SECRET_KEY_BYTES} bytes: restore it from your backup`);
  }
  return { box: createSecretBox(key, path), created: false };
}

function writeNewKey(path: string): Buffer {
  const key = randomBytes(SECRET_KEY_BYTES);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a key another process just wrote.
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${key.toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
    chmodSync(path, 0o600); // the umask may have narrowed the mode further, never widened it; make it exact
  } catch (err) {
    throw new SecretKeyError(`cannot create the secrets key file ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}): make its folder writable, or set ${SECRETS_KEY_ENV}`, { cause: err });
  }
  return key;
}
