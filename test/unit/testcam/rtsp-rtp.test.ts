import { describe, expect, it } from 'vitest';
import {
  carriesIdr,
  carriesSliceData,
  corruptPayload,
  interleavedFrame,
  isRtcp,
  rewriteHeader,
  rtpTimestamp,
  startsKeyFrame,
} from '../../../src/testcam/rtp.js';
import { basicAuthMatches, cameraOfUrl, interleavedChannels, parseRtspInput } from '../../../src/testcam/rtsp-protocol.js';

/** An RTP packet (version 2, PT 96) with `payload`. */
function rtp(payload: number[], { marker = false, ts = 1000 } = {}): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 96 | (marker ? 0x80 : 0);
  header.writeUInt32BE(ts, 4);
  return Buffer.concat([header, Buffer.from(payload)]);
}

describe('RTP H.264 helpers', () => {
  it('tells key frame starts from other packets', () => {
    expect(startsKeyFrame(rtp([0x67, 1, 2]))).toBe(true); // SPS
    expect(startsKeyFrame(rtp([0x7c, 0x85, 1, 2]))).toBe(true); // FU-A start of an IDR
    expect(startsKeyFrame(rtp([0x7c, 0x05, 1, 2]))).toBe(false); // FU-A continuation
    expect(startsKeyFrame(rtp([0x41, 1, 2]))).toBe(false); // P slice
    expect(startsKeyFrame(rtp([0x78, 0, 2, 0x67, 9, 0, 2, 0x68, 9]))).toBe(true); // STAP-A with SPS, PPS
    expect(carriesIdr(rtp([0x7c, 0x45, 1]))).toBe(true); // FU-A end of an IDR
    expect(carriesSliceData(rtp([0x67, 1]))).toBe(false);
    expect(carriesSliceData(rtp([0x41, 1]))).toBe(true);
  });

  it('recognises RTCP sender reports mixed into the flow', () => {
    const report = Buffer.alloc(28);
    report[0] = 0x80;
    report[1] = 200;
    expect(isRtcp(report)).toBe(true);
    expect(isRtcp(rtp([0x41], { marker: true }))).toBe(false);
  });

  it('rewrites sequence, timestamp and SSRC, keeping the marker bit', () => {
    const packet = rtp([0x41, 1], { marker: true });
    rewriteHeader(packet, 0x1_0005, 0x1_0000_0010, 0xdeadbeef);
    expect(packet.readUInt16BE(2)).toBe(5);
    expect(rtpTimestamp(packet)).toBe(0x10);
    expect(packet.readUInt32BE(8)).toBe(0xdeadbeef);
    expect(packet[1]! & 0x80).toBe(0x80);
  });

  it('corrupts a copy of the payload only, past the NAL headers', () => {
    const packet = rtp([0x7c, 0x81, ...new Array<number>(200).fill(0)]);
    let i = 0;
    const damaged = corruptPayload(packet, 8, () => ((i += 0.37) % 1));
    expect(damaged.subarray(0, 14)).toEqual(packet.subarray(0, 14));
    expect(damaged.equals(packet)).toBe(false);
    expect(packet.subarray(14).every((b) => b === 0)).toBe(true); // the original is untouched
  });

  it('frames packets for interleaved TCP', () => {
    expect([...interleavedFrame(2, Buffer.from([9, 8, 7]))]).toEqual([0x24, 2, 0, 3, 9, 8, 7]);
  });
});

describe('RTSP protocol helpers', () => {
  it('cuts requests out of a byte stream, skipping interleaved RTCP and keeping a partial request', () => {
    const input = Buffer.concat([
      Buffer.from('OPTIONS rtsp://h/cam1 RTSP/1.0\r\nCSeq: 1\r\n\r\n'),
      Buffer.from([0x24, 1, 0, 2, 0xaa, 0xbb]),
      Buffer.from('GET_PARAMETER rtsp://h/cam1 RTSP/1.0\r\nCSeq: 2\r\nContent-Length: 4\r\n\r\nping'),
      Buffer.from('PLAY rtsp://h/cam1 RTSP/1.0\r\nCSe'),
    ]);
    const { requests, rest } = parseRtspInput(input);
    expect(requests.map((r) => [r.method, r.headers.get('cseq'), r.body])).toEqual([
      ['OPTIONS', '1', ''],
      ['GET_PARAMETER', '2', 'ping'],
    ]);
    expect(rest.toString()).toBe('PLAY rtsp://h/cam1 RTSP/1.0\r\nCSe');
  });

  it('reads the camera, the transport and Basic credentials', () => {
    expect(cameraOfUrl('rtsp://u:p@127.0.0.1:8554/cam2/track0')).toBe('cam2');
    expect(cameraOfUrl('rtsp://127.0.0.1:8554/')).toBeNull();
    expect(interleavedChannels('RTP/AVP/TCP;unicast;interleaved=2-3')).toEqual([2, 3]);
    expect(interleavedChannels('RTP/AVP;unicast;client_port=5000-5001')).toBeNull();
    const header = `Basic ${Buffer.from('op:pw').toString('base64')}`;
    expect(basicAuthMatches(header, 'op', 'pw')).toBe(true);
    expect(basicAuthMatches(header, 'op', 'other')).toBe(false);
    expect(basicAuthMatches(undefined, 'op', 'pw')).toBe(false);
  });
});
