import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { redactUrl } from '../media/redact.js';

/**
 * Authenticated encryption of small secrets (camera credentials) with
 * AES-256-GCM. A sealed value is text, so it fits where the plain value was:
 *
 *   enc:v1:<key id>:<base64url(iv 12 bytes | tag 16 bytes | ciphertext)>
 *
 * The version lets a later format coexist with this one; the key id (first 8
 * hex digits of the key's SHA-256, not secret) lets a wrong key be named as
 * such instead of reported as damaged data. Pure: the key is given, never read here.
 */

export const SEALED_PREFIX = 'enc:v1:';
export const SECRET_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The key is missing, malformed, or not the one a value was sealed with. The message says which file and what to do. */
export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

export interface SecretBox {
  /** Short public fingerprint of the key (8 hex digits). */
  readonly keyId: string;
  /** Where the key came from, for error messages (a file path). */
  readonly keyFile: string;
  seal(plain: string): string;
  /** The plain value; SecretKeyError when it was sealed with another key or altered. */
  open(sealed: string): string;
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function createSecretBox(key: Buffer, keyFile: string): SecretBox {
  if (key.length !== SECRET_KEY_BYTES) throw new SecretKeyError(`the secrets key in ${keyFile} must be ${SECRET_KEY_BYTES} bytes (got ${key.length})`);
  const keyId = keyIdOf(key);
  return {
    keyId,
    keyFile,
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${SEALED_PREFIX}${keyId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed) {
      const [id, payload] = sealed.slice(SEALED_PREFIX.length).split(':');
      if (!isSealed(sealed) || id === undefined || payload === undefined) throw new SecretKeyError('not a sealed value (expected enc:v1:<key id>:<data>)');
      if (id !== keyId) {
        throw new SecretKeyError(
          `camera credentials were encrypted with key ${id} but ${keyFile} holds key ${keyId}: restore the original key file from your backup (or point VIGIE_SECRETS_KEY_FILE at it), or re-enter the camera sources`,
        );
      }
      const raw = Buffer.from(payload, 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (err) {
        throw new SecretKeyError(`a sealed camera credential (key ${id}) was altered and cannot be decrypted with ${keyFile}: re-enter the camera source`, { cause: err });
      }
    },
  };
}

/** A camera source worth sealing: one that carries credentials (userinfo or a secret query parameter). */
export function hasCredentials(source: string): boolean {
  return !isSealed(source) && redactUrl(source) !== source;
}

/** Seals a source that carries credentials; file paths and credential-free URLs stay readable. */
export function sealSource(box: SecretBox, source: string): string {
  return hasCredentials(source) ? box.seal(source) : source;
}

/** Opens a sealed source; any other value is returned as it is. */
export function openSource(box: SecretBox, source: string): string {
  return isSealed(source) ? box.open(source) : source;
}
