import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/** The TLS flags are wrong (one without the other, a file that cannot be read or is not PEM); the message says what to fix. */
export class TlsOptionsError extends Error {
  override readonly name = 'TlsOptionsError';
}

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Reads `--tls-cert` and `--tls-key`: both or neither (null: plain HTTP). */
export function readTlsFiles(certFile: string | undefined, keyFile: string | undefined): TlsFiles | null {
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined) {
    throw new TlsOptionsError(`--tls-cert and --tls-key go together: add ${certFile === undefined ? '--tls-cert <certificate.pem>' : '--tls-key <key.pem>'}`);
  }
  const files = { cert: readPem(certFile, '--tls-cert', 'CERTIFICATE'), key: readPem(keyFile, '--tls-key', 'PRIVATE KEY') };
  try {
    createSecureContext(files); // refuses a key that does not match the certificate, now rather than at the first connection
  } catch (err) {
    throw new TlsOptionsError(`--tls-cert ${certFile} and --tls-key ${keyFile} cannot be used together (${(err as Error).message}): give the key of that certificate`);
  }
  return files;
}

function readPem(file: string, flag: string, label: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this user' : `cannot be read (${code ?? String(err)})`;
    throw new TlsOptionsError(`${flag} ${file} ${why}: give the path of a PEM file Vigie can read`);
  }
  if (!data.toString('latin1').includes(label)) throw new TlsOptionsError(`${flag} ${file} is not a PEM ${label.toLowerCase()} (no "-----BEGIN ...${label}-----" line)`);
  return data;
}
