/**
 * Why an export or a verification could not be done, in words for the person
 * at the terminal or the console. `code` is stable (the HTTP route maps it).
 */
export type EvidenceErrorCode =
  | 'INVALID' // bad request: range, camera, output path
  | 'NOT_FOUND' // nothing recorded in the range, unknown export id
  | 'ALTERED' // a recording no longer matches the hash taken when it was closed
  | 'TOO_LARGE' // beyond what a bundle can hold
  | 'UNAVAILABLE' // a file or folder cannot be read or written
  | 'NOT_A_BUNDLE'; // the file to verify is not a readable Vigie bundle

export class EvidenceError extends Error {
  override readonly name = 'EvidenceError';

  constructor(
    readonly code: EvidenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
