import { describe, expect, it } from 'vitest';
import { classifyStderr, MediaError, mediaErrorFromStderr, stderrReason } from '../../../src/media/errors.js';
import { estimateFrameCount, parseProbeJson } from '../../../src/media/ffprobe.js';

describe('classifyStderr', () => {
  it.each([
    ['/tmp/x.mp4: No such file or directory', 'NOT_FOUND'],
    ['[http @ 0x1] HTTP error 404 Not Found', 'NOT_FOUND'],
    ['http://h/x: Server returned 404 Not Found', 'NOT_FOUND'],
    ['/tmp/x.txt: Invalid data found when processing input', 'NOT_VIDEO'],
    ["Stream map '0:v:0' matches no streams.", 'NOT_VIDEO'],
    ['[tcp @ 0x5] Connection to tcp://127.0.0.1:9 failed: Connection refused', 'UNREACHABLE'],
    ['rtsp://cam/s: Connection timed out', 'UNREACHABLE'],
    ['http://h/x: Server returned 5XX Server Error reply', 'UNREACHABLE'],
    ['[tcp @ 0x1] Failed to resolve hostname nowhere.invalid: Name or service not known', 'UNREACHABLE'],
    ['[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized', 'AUTH_FAILED'],
    ['http://h/x: Server returned 403 Forbidden (access denied)', 'AUTH_FAILED'],
    ['/root/x.mp4: Permission denied', 'NOT_READABLE'],
    ['something nobody expected', 'DECODE_FAILED'],
  ])('%s -> %s', (line, code) => {
    expect(classifyStderr([line])).toBe(code);
  });
});

describe('MediaError', () => {
  it('has a one-line message naming the redacted source and the reason', () => {
    const err = mediaErrorFromStderr('rtsp://admin:pw@cam/s', ['first', '[tcp @ 0x1] rtsp://admin:pw@cam/s: Connection refused\n']);
    expect(err).toBeInstanceOf(MediaError);
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toBe('video source unreachable: rtsp://***@cam/s (Connection refused)');
    expect(err.detail.join('\n')).not.toContain('pw');
    expect(err.source).toBe('rtsp://***@cam/s');
  });

  it('stderrReason keeps the text after the last ": "', () => {
    expect(stderrReason(['a', 'x.mp4: Invalid data found when processing input', ''])).toBe('Invalid data found when processing input');
    expect(stderrReason([])).toBe('');
  });
});

describe('parseProbeJson', () => {
  it('reads a file stream', () => {
    const json = JSON.stringify({
      streams: [{ codec_name: 'msmpeg4v3', width: 768, height: 576, r_frame_rate: '10/1', avg_frame_rate: '10/1', duration: '79.500000', nb_frames: '795' }],
      format: { duration: '79.500000' },
    });
    expect(parseProbeJson(json)).toEqual({ width: 768, height: 576, fps: 10, durationSec: 79.5, frameCount: 795, codec: 'msmpeg4v3' });
  });

  it('falls back to r_frame_rate and format duration; live streams have no length', () => {
    const json = JSON.stringify({
      streams: [{ codec_name: 'h264', width: 1920, height: 1080, r_frame_rate: '25/1', avg_frame_rate: '0/0' }],
      format: { duration: 'N/A' },
    });
    expect(parseProbeJson(json)).toEqual({ width: 1920, height: 1080, fps: 25, durationSec: null, frameCount: null, codec: 'h264' });
  });

  it.each([
    ['{}', 'no video stream'],
    ['{"streams":[]}', 'no video stream'],
    ['{"streams":[{"width":0,"height":0}]}', 'video stream without a frame size'],
    ['{"streams":[{"width":2,"height":2,"r_frame_rate":"0/0"}]}', 'video stream without a frame rate'],
    ['not json', 'unreadable ffprobe output'],
    ['{"streams":[{"codec_name":"ansi","width":640,"height":400,"r_frame_rate":"25/1"}],"format":{"format_name":"tty"}}', 'a text file'],
    ['{"streams":[{"codec_name":"png","width":64,"height":64,"r_frame_rate":"25/1"}],"format":{"format_name":"png_pipe"}}', 'a still image'],
    ['{"streams":[{"codec_name":"mjpeg","width":64,"height":64,"r_frame_rate":"25/1"}],"format":{"format_name":"image2"}}', 'a still image'],
  ])('%s -> %s', (json, reason) => {
    expect(parseProbeJson(json)).toBe(reason);
  });
});

describe('estimateFrameCount', () => {
  const vtest = { width: 768, height: 576, fps: 10, durationSec: 79.5, frameCount: 795, codec: 'x' };
  it.each([
    [undefined, 795],
    [5, 398], // 397.5 rounds up, as ffmpeg's fps filter does
    [3, 239],
    [10, 795],
  ])('vtest at fps %s -> %i', (fps, expected) => {
    expect(estimateFrameCount(vtest, fps)).toBe(expected);
  });

  it('is null for a live stream', () => {
    expect(estimateFrameCount({ ...vtest, durationSec: null, frameCount: null }, 5)).toBeNull();
  });
});
