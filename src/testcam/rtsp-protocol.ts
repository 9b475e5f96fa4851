/**
 * Pure RTSP 1.0 text handling for the test camera server: cutting a client's
 * byte stream into requests (skipping interleaved RTCP it sends back),
 * formatting responses, the SDP of a camera and Basic auth.
 */

export interface RtspRequest {
  readonly method: string;
  readonly url: string;
  /** Header names lower-cased. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

export interface ParsedInput {
  readonly requests: RtspRequest[];
  /** Bytes of an incomplete message, to prepend to the next chunk. */
  readonly rest: Buffer;
}

/** Largest request head accepted; anything longer is not an RTSP client. */
export const MAX_REQUEST_BYTES = 16 * 1024;

/**
 * Cuts `buffer` into complete requests. Interleaved binary frames (`$`,
 * channel, length) from the client (RTCP receiver reports) are skipped.
 * Throws when a request head exceeds MAX_REQUEST_BYTES.
 */
export function parseRtspInput(buffer: Buffer): ParsedInput {
  const requests: RtspRequest[] = [];
  let at = 0;
  while (at < buffer.length) {
    if (buffer[at] === 0x24) {
      if (buffer.length - at < 4) break;
      const size = buffer.readUInt16BE(at + 2);
      if (buffer.length - at < 4 + size) break;
      at += 4 + size;
      continue;
    }
    const headEnd = buffer.indexOf('\r\n\r\n', at, 'latin1');
    if (headEnd < 0) {
      if (buffer.length - at > MAX_REQUEST_BYTES) throw new Error('RTSP request head too long');
      break;
    }
    const lines = buffer.toString('latin1', at, headEnd).split('\r\n');
    const [method = '', url = ''] = (lines[0] ?? '').split(' ');
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get('content-length') ?? 0) || 0;
    const bodyStart = headEnd + 4;
    if (buffer.length < bodyStart + length) break;
    requests.push({ method: method.toUpperCase(), url, headers, body: buffer.toString('utf8', bodyStart, bodyStart + length) });
    at = bodyStart + length;
  }
  return { requests, rest: buffer.subarray(at) };
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  461: 'Unsupported Transport',
  503: 'Service Unavailable',
};

/** One response; `CSeq` echoes the request's. */
export function formatResponse(status: number, cseq: string | undefined, headers: Record<string, string> = {}, body = ''): Buffer {
  const lines = [`RTSP/1.0 ${status} ${REASONS[status] ?? 'Error'}`];
  if (cseq !== undefined) lines.push(`CSeq: ${cseq}`);
  lines.push('Server: vigie-testcam');
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}

/** The camera's session description: one H.264 track, RTP payload type 96 (what ffmpeg's RTP muxer sends). */
export function cameraSdp(cameraName: string, fps: number): string {
  return [
    'v=0',
    'o=- 0 1 IN IP4 127.0.0.1',
    `s=Vigie test camera ${cameraName}`,
    'c=IN IP4 0.0.0.0',
    't=0 0',
    'a=control:*',
    'm=video 0 RTP/AVP 96',
    'a=rtpmap:96 H264/90000',
    'a=fmtp:96 packetization-mode=1',
    // Clients then need not measure the rate from the first frames (ffmpeg waits ~2 s otherwise).
    `a=framerate:${fps}`,
    'a=control:track0',
    '',
  ].join('\r\n');
}

/** Camera name of a request URL: the first path segment (`rtsp://host:port/cam1/track0` -> `cam1`); null when none. */
export function cameraOfUrl(url: string): string | null {
  const match = /^rtsps?:\/\/[^/]+\/([^/?#]+)/i.exec(url);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** Interleaved channels asked for in a SETUP Transport header over TCP; null when TCP is not asked for. */
export function interleavedChannels(transport: string | undefined): readonly [number, number] | null {
  if (transport === undefined || !/RTP\/AVP\/TCP/i.test(transport)) return null;
  const match = /interleaved=(\d+)(?:-(\d+))?/i.exec(transport);
  if (!match) return [0, 1];
  const rtp = Number(match[1]);
  return [rtp, match[2] !== undefined ? Number(match[2]) : rtp + 1];
}

/** true when the Authorization header carries exactly these Basic credentials. */
export function basicAuthMatches(header: string | undefined, username: string, password: string): boolean {
  if (header === undefined || !/^Basic\s+/i.test(header)) return false;
  const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
  return decoded === `${username}:${password}`;
}
