/**
 * Credential scrubbing for anything that may be logged or shown: camera URLs
 * routinely carry `user:password@` and some cameras take credentials as query
 * parameters. Every log line and error message built from a source or from
 * ffmpeg's stderr goes through these functions.
 */

const HIDDEN = '***';

// scheme://userinfo@ — the greedy class stops at the end of the authority, so a
// password holding an unencoded '@' is still hidden entirely (we match up to the last '@').
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

// Query parameters that commonly carry secrets (e.g. `?user=admin&password=x`).
const SECRET_QUERY = /([?&](?:user(?:name)?|pass(?:word)?|pwd|token|secret|key|auth|sig(?:nature)?|api_?key)=)[^&#\s]*/gi;

/** Hides credentials in one URL: `rtsp://admin:pw@cam/x` -> `rtsp://***@cam/x`. */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Hides credentials in every URL found in a free text (an ffmpeg stderr line, an error message). */
export function redactText(text: string): string {
  return text.replace(USERINFO, `$1${HIDDEN}@`).replace(SECRET_QUERY, `$1${HIDDEN}`);
}
