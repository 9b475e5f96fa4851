/**
 * Pure helpers over RTP packets carrying H.264 (RFC 3550, RFC 6184): what the
 * relay needs to find key frames, rewrite sequence numbers and timestamps,
 * and damage payloads for fault injection. No allocation except where a copy is the point.
 */

/** RTP clock of video payloads (RFC 6184). */
export const H264_CLOCK_HZ = 90_000;

const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_STAP_A = 24;
const NAL_FU_A = 28;

/** true for RTCP packets (sender reports) the ffmpeg RTP muxer mixes into the same UDP flow. */
export function isRtcp(packet: Buffer): boolean {
  if (packet.length < 2) return false;
  const type = packet[1]!;
  return type >= 200 && type <= 204;
}

/** Offset of the payload after the fixed header, CSRCs and any header extension; -1 when malformed. */
export function payloadOffset(packet: Buffer): number {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return -1;
  let offset = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return -1;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  return offset < packet.length ? offset : -1;
}

export function rtpTimestamp(packet: Buffer): number {
  return packet.readUInt32BE(4);
}

export function hasMarker(packet: Buffer): boolean {
  return (packet[1]! & 0x80) !== 0;
}

/** NAL unit types that start in this packet (an FU-A fragment counts only on its start fragment). */
export function startingNalTypes(packet: Buffer): number[] {
  const offset = payloadOffset(packet);
  if (offset < 0) return [];
  const type = packet[offset]! & 0x1f;
  if (type === NAL_FU_A) {
    const fuHeader = packet[offset + 1];
    return fuHeader !== undefined && fuHeader & 0x80 ? [fuHeader & 0x1f] : [];
  }
  if (type === NAL_STAP_A) {
    const types: number[] = [];
    for (let at = offset + 1; at + 2 < packet.length; ) {
      const size = packet.readUInt16BE(at);
      if (size === 0 || at + 2 + size > packet.length) break;
      types.push(packet[at + 2]! & 0x1f);
      at += 2 + size;
    }
    return types;
  }
  return [type];
}

/** true when a decoder can start at this packet: it begins an SPS or an IDR picture. */
export function startsKeyFrame(packet: Buffer): boolean {
  return startingNalTypes(packet).some((type) => type === NAL_SPS || type === NAL_IDR);
}

/** true when this packet carries (part of) an IDR picture. */
export function carriesIdr(packet: Buffer): boolean {
  const offset = payloadOffset(packet);
  if (offset < 0) return false;
  const type = packet[offset]! & 0x1f;
  if (type === NAL_FU_A) return (packet[offset + 1]! & 0x1f) === NAL_IDR;
  return startingNalTypes(packet).includes(NAL_IDR);
}

/** Writes the relay's own sequence number, timestamp and SSRC into `packet` (in place). */
export function rewriteHeader(packet: Buffer, seq: number, timestamp: number, ssrc: number): void {
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
}

/**
 * true for packets worth damaging: slice data (single NAL or FU-A). Parameter
 * sets are spared so the stream stays decodable and the decoder reports
 * damaged pictures rather than giving up.
 */
export function carriesSliceData(packet: Buffer): boolean {
  const offset = payloadOffset(packet);
  if (offset < 0) return false;
  const type = packet[offset]! & 0x1f;
  if (type === NAL_FU_A) {
    const inner = packet[offset + 1]! & 0x1f;
    return inner === 1 || inner === NAL_IDR;
  }
  return type === 1 || type === NAL_IDR;
}

/**
 * A copy of `packet` with `count` payload bytes overwritten, leaving the RTP
 * header and the NAL/FU headers intact (the damage a lossy link does to the
 * picture, not to the framing). `random` returns [0,1).
 */
export function corruptPayload(packet: Buffer, count: number, random: () => number): Buffer {
  const copy = Buffer.from(packet);
  const offset = payloadOffset(copy);
  if (offset < 0) return copy;
  const first = offset + 2 + 4; // past the NAL/FU headers and the first slice header bytes
  const span = copy.length - first;
  if (span <= 0) return copy;
  for (let i = 0; i < count; i += 1) {
    const at = first + Math.floor(random() * span);
    copy[at] = copy[at]! ^ (1 + Math.floor(random() * 255));
  }
  return copy;
}

/** One RTP packet framed for RTSP interleaved TCP transport (RFC 2326 10.12). */
export function interleavedFrame(channel: number, packet: Buffer): Buffer {
  const header = Buffer.allocUnsafe(4);
  header[0] = 0x24; // '$'
  header[1] = channel;
  header.writeUInt16BE(packet.length, 2);
  return Buffer.concat([header, packet]);
}
