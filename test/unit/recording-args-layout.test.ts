import { describe, expect, it } from 'vitest';
import { buildSegmentArgs, parseSegmentListLine } from '../../src/media/segment-args.js';
import { compactUtc, incomingPattern, segmentId, segmentRelativePath, startFromSegmentName } from '../../src/recording/layout.js';
import { isWholeTransportStream } from '../../src/recording/finalize.js';
import { isDiskFullError } from '../../src/recording/disk-space.js';

describe('recorder argv', () => {
  it('copies the first video stream of a looped file, read in real time, into MPEG-TS segments listed on stdout', () => {
    expect(buildSegmentArgs({ source: '/v/demo.mp4', segmentS: 60, outputPattern: '/rec/gare/.incoming/1-%06d.ts.part', loop: true })).toEqual([
      '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file', '-re', '-stream_loop', '-1', '-i', '/v/demo.mp4',
      '-map', '0:v:0', '-an', '-c', 'copy', '-f', 'segment', '-segment_time', '60', '-segment_format', 'mpegts',
      '-reset_timestamps', '1', '-segment_list', 'pipe:1', '-segment_list_type', 'csv', '/rec/gare/.incoming/1-%06d.ts.part',
    ]);
  });

  it('opens a camera over RTSP/TCP with a socket timeout, never with -re or a loop', () => {
    const args = buildSegmentArgs({ source: 'rtsp://u:p@cam/stream', segmentS: 10, outputPattern: '/r/%06d.ts.part' });
    expect(args.slice(0, 11)).toEqual(['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'rtsp,rtsps,rtp,srtp,udp,tcp,tls', '-rtsp_transport', 'tcp', '-timeout', '10000000', '-i', 'rtsp://u:p@cam/stream']);
    expect(args).not.toContain('-re');
    expect(() => buildSegmentArgs({ source: 'rtsp://cam/s', segmentS: 10, outputPattern: '/r/%06d.ts', loop: true })).toThrow(/loop applies to files only/);
  });

  it('refuses options that cannot work, naming them', () => {
    expect(() => buildSegmentArgs({ source: '/v.mp4', segmentS: 0, outputPattern: '/r/%06d.ts' })).toThrow(/segment length must be >= 1 s, got 0/);
    expect(() => buildSegmentArgs({ source: '/v.mp4', segmentS: 10, outputPattern: '/r/x.ts' })).toThrow(/needs a %d counter/);
  });

  it('parses the CSV segment list lines, quoted names too, and ignores anything else', () => {
    expect(parseSegmentListLine('1-000003.ts.part,9.600000,14.400000')).toEqual({ file: '1-000003.ts.part', startS: 9.6, endS: 14.4 });
    expect(parseSegmentListLine('"a,b.ts",0.000000,4.800000\r')).toEqual({ file: 'a,b.ts', startS: 0, endS: 4.8 });
    expect(parseSegmentListLine('')).toBeNull();
    expect(parseSegmentListLine('garbage')).toBeNull();
    expect(parseSegmentListLine('x.ts,5.0,4.0')).toBeNull();
  });
});

describe('recordings layout', () => {
  const t = Date.parse('2026-01-02T03:04:05.678Z');
  it('names a completed segment by camera, UTC day and start, and reads the start back', () => {
    expect(compactUtc(t)).toBe('20260102T030405678Z');
    expect(segmentId('gare', t)).toBe('gare_20260102T030405678Z');
    expect(segmentRelativePath('gare', t)).toBe('gare/2026-01-02/20260102T030405678Z.ts');
    expect(startFromSegmentName('20260102T030405678Z.ts')).toBe(t);
    expect(startFromSegmentName('20260231T030405678Z.ts')).toBeNull();
    expect(startFromSegmentName('notes.txt')).toBeNull();
    expect(incomingPattern('/data/recordings', 'gare', '42')).toBe('/data/recordings/gare/.incoming/42-%06d.ts.part');
  });

  it('tells whole transport streams from files cut short by a failed write', () => {
    expect(isWholeTransportStream(188 * 3085)).toBe(true);
    expect(isWholeTransportStream(294_912)).toBe(false);
    expect(isWholeTransportStream(0)).toBe(false);
  });

  it('recognises a full disk in ffmpeg and fs errors', () => {
    expect(isDiskFullError('Error writing trailer of x.ts.part: No space left on device')).toBe(true);
    expect(isDiskFullError("Error: ENOSPC: no space left on device, write")).toBe(true);
    expect(isDiskFullError('Connection refused')).toBe(false);
  });
});
