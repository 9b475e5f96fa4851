import { describe, expect, it } from 'vitest';
import { MediaError } from '../../../src/media/errors.js';
import {
  analysisSize,
  buildDecodeArgs,
  buildProbeArgs,
  formatCommandForLog,
  sourceKind,
} from '../../../src/media/ffmpeg-args.js';

const HEAD = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
const TAIL = ['-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
const FILE_ONLY = ['-protocol_whitelist', 'file'];
const RTSP_ONLY = ['-protocol_whitelist', 'rtsp,rtsps,rtp,srtp,udp,tcp,tls'];
const HTTP_ONLY = ['-protocol_whitelist', 'http,https,tcp,tls'];

describe('buildDecodeArgs (golden argv)', () => {
  it('file, native rate and size: every frame, passthrough', () => {
    expect(buildDecodeArgs({ source: 'clips/a.mp4' })).toEqual([
      ...HEAD, ...FILE_ONLY, '-i', 'clips/a.mp4', '-map', '0:v:0', '-fps_mode', 'passthrough', ...TAIL,
    ]);
  });

  it('file at 5 fps and 384 wide with a known source size: exact even height', () => {
    expect(buildDecodeArgs({ source: 'v.avi', fps: 5, width: 384, sourceSize: { width: 768, height: 576 } })).toEqual([
      ...HEAD, ...FILE_ONLY, '-i', 'v.avi', '-map', '0:v:0', '-vf', 'fps=5,scale=384:288:flags=bilinear', ...TAIL,
    ]);
  });

  it('width without a known source size lets ffmpeg pick an even height', () => {
    expect(buildDecodeArgs({ source: 'v.avi', width: 640 })).toEqual([
      ...HEAD, ...FILE_ONLY, '-i', 'v.avi', '-map', '0:v:0', '-vf', 'scale=640:-2:flags=bilinear', '-fps_mode', 'passthrough', ...TAIL,
    ]);
  });

  it('looping real-time file (demo camera)', () => {
    expect(buildDecodeArgs({ source: '/data/demo.mp4', fps: 12.5, loop: true, realtime: true })).toEqual([
      ...HEAD, ...FILE_ONLY, '-re', '-stream_loop', '-1', '-i', '/data/demo.mp4', '-map', '0:v:0', '-vf', 'fps=12.5', ...TAIL,
    ]);
  });

  it('rtsp: TCP transport and a socket timeout in microseconds', () => {
    expect(buildDecodeArgs({ source: 'rtsp://u:p@10.0.0.5/s1', fps: 5, width: 640, sourceSize: { width: 1920, height: 1080 } })).toEqual([
      ...HEAD, ...RTSP_ONLY, '-rtsp_transport', 'tcp', '-timeout', '10000000', '-i', 'rtsp://u:p@10.0.0.5/s1', '-map', '0:v:0',
      '-vf', 'fps=5,scale=640:360:flags=bilinear', ...TAIL,
    ]);
  });

  it('http(s): read/write timeout, custom value', () => {
    expect(buildDecodeArgs({ source: 'https://cam/live.ts', networkTimeoutMs: 3000 })).toEqual([
      ...HEAD, ...HTTP_ONLY, '-rw_timeout', '3000000', '-i', 'https://cam/live.ts', '-map', '0:v:0', '-fps_mode', 'passthrough', ...TAIL,
    ]);
  });

  it.each([
    [{ source: 'a.mp4', fps: 0 }, /fps must be a positive number/],
    [{ source: 'a.mp4', fps: Number.NaN }, /fps must be a positive number/],
    [{ source: 'a.mp4', width: 99.5 }, /width must be an integer >= 2/],
    [{ source: 'rtsp://cam/x', loop: true }, /files only/],
    [{ source: 'http://cam/x', realtime: true }, /files only/],
  ])('rejects %o', (options, message) => {
    expect(() => buildDecodeArgs(options)).toThrow(message);
    expect(() => buildDecodeArgs(options)).toThrow(MediaError);
  });
});

describe('buildProbeArgs (golden argv)', () => {
  const ENTRIES = ['-select_streams', 'v:0', '-show_entries',
    'stream=codec_name,width,height,r_frame_rate,avg_frame_rate,nb_frames,duration:format=format_name,duration', '-of', 'json'];

  it('file', () => {
    expect(buildProbeArgs('a.mp4')).toEqual(['-hide_banner', '-loglevel', 'error', ...FILE_ONLY, ...ENTRIES, '-i', 'a.mp4']);
  });

  it('rtsp', () => {
    expect(buildProbeArgs('rtsps://cam/x', { networkTimeoutMs: 5000 })).toEqual([
      '-hide_banner', '-loglevel', 'error', ...RTSP_ONLY, '-rtsp_transport', 'tcp', '-timeout', '5000000', ...ENTRIES, '-i', 'rtsps://cam/x',
    ]);
  });
});

describe('sourceKind', () => {
  it.each([
    ['rtsp://cam/1', 'rtsp'], ['RTSPS://cam/1', 'rtsp'], ['http://x/y.ts', 'http'], ['https://x/y.m3u8', 'http'],
    ['/abs/file.mp4', 'file'], ['rel/file.avi', 'file'], ['file with: colon.mp4', 'file'],
  ])('%s -> %s', (source, kind) => {
    expect(sourceKind(source)).toBe(kind);
  });

  it('rejects other URL schemes with UNSUPPORTED_SOURCE, credentials hidden', () => {
    const err = (() => {
      try {
        sourceKind('ftp://bob:secret@host/x.mp4');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('UNSUPPORTED_SOURCE');
    expect((err as MediaError).message).not.toContain('secret');
  });

  it.each(['concat:a.mp4|b.mp4', 'file:/etc/passwd', 'pipe:0', 'data:video/mp4;base64,AAAA', 'subfile,,0,10,,:a.mp4', '-i', 'a\nb.mp4'])(
    'rejects %j, which ffmpeg would open as another protocol or an option',
    (source) => {
      expect(() => sourceKind(source)).toThrow(MediaError);
      expect(() => buildProbeArgs(source)).toThrow(/unsupported video source/);
    },
  );
});

describe('protocol whitelist', () => {
  it('every input that opens a camera source names the protocols of its kind, before -i', () => {
    for (const [source, list] of [['a.mp4', FILE_ONLY], ['rtsp://cam/x', RTSP_ONLY], ['http://cam/x.m3u8', HTTP_ONLY]] as const) {
      for (const args of [buildDecodeArgs({ source }), buildProbeArgs(source)]) {
        const at = args.indexOf('-protocol_whitelist');
        expect(args.slice(at, at + 2), source).toEqual(list);
        expect(at).toBeLessThan(args.indexOf('-i'));
      }
    }
  });
});

describe('analysisSize', () => {
  it.each([
    [{ width: 768, height: 576 }, undefined, { width: 768, height: 576 }],
    [{ width: 768, height: 576 }, 384, { width: 384, height: 288 }],
    [{ width: 1920, height: 1080 }, 640, { width: 640, height: 360 }],
    [{ width: 320, height: 240 }, 100, { width: 100, height: 76 }], // 75 rounds to an even 76
    [{ width: 768, height: 432 }, 500, { width: 500, height: 282 }], // 281.25 -> 282
    [{ width: 1000, height: 1 }, 10, { width: 10, height: 2 }], // never below 2
  ])('%o at width %s -> %o', (native, width, expected) => {
    expect(analysisSize(native, width)).toEqual(expected);
  });
});

describe('formatCommandForLog', () => {
  it('quotes odd arguments and hides credentials', () => {
    expect(formatCommandForLog('ffmpeg', ['-i', 'rtsp://admin:pw@cam/s', '-vf', 'fps=5', 'my file.mp4'])).toBe(
      "ffmpeg -i rtsp://***@cam/s -vf fps=5 'my file.mp4'",
    );
  });
});
