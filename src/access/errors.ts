/**
 * Why a frame of an access request could not be shown or an export made, in
 * words for the DPO. `code` is stable (the HTTP route maps it).
 */
export type AccessErrorCode =
  | 'INVALID' // a time outside the request's range, a box number not in the frame
  | 'NOT_FOUND' // nothing recorded at that time
  | 'UNAVAILABLE'; // ffmpeg or the detector failed

export class AccessError extends Error {
  override readonly name = 'AccessError';

  constructor(
    readonly code: AccessErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
