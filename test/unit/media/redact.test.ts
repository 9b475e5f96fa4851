import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from '../../../src/media/redact.js';

describe('redactUrl', () => {
  it.each([
    ['rtsp://admin:s3cret@10.0.0.5:554/stream1', 'rtsp://***@10.0.0.5:554/stream1'],
    ['rtsp://admin@10.0.0.5/s', 'rtsp://***@10.0.0.5/s'],
    ['rtsp://admin:p@ss@w0rd@cam/s', 'rtsp://***@cam/s'], // unencoded '@' in the password
    ['http://cam/video.cgi?user=admin&password=x1&channel=2', 'http://cam/video.cgi?user=***&password=***&channel=2'],
    ['https://cam/live.m3u8?token=abc.def', 'https://cam/live.m3u8?token=***'],
    ['rtsp://10.0.0.5/stream1', 'rtsp://10.0.0.5/stream1'],
    ['/data/clips/a@b.mp4', '/data/clips/a@b.mp4'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactText', () => {
  it('hides every URL in an ffmpeg stderr line', () => {
    expect(redactText('[rtsp @ 0x55] method DESCRIBE failed: rtsp://u:pw@a/x and rtsp://v:pw2@b/y')).toBe(
      '[rtsp @ 0x55] method DESCRIBE failed: rtsp://***@a/x and rtsp://***@b/y',
    );
  });
});
