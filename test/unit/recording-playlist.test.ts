import { describe, expect, it } from 'vitest';
import { buildVodPlaylist, clipSpan } from '../../src/recording/playlist.js';
import type { Segment } from '../../src/recording/segment-index.js';
import { parseRange } from '../../src/server/routes/recordings.js';

const seg = (id: string, start: string, durationS: number): Segment => ({
  id, camera: 'gare', start, end: new Date(Date.parse(start) + durationS * 1000).toISOString(), durationS, bytes: 1, sha256: 'x', path: `${id}.ts`, createdAt: start,
});

describe('HLS VOD playlist from the index', () => {
  it('lists segments in time order with wall times and durations, a discontinuity at each boundary (timestamps restart per file), and ENDLIST', () => {
    const text = buildVodPlaylist(
      [seg('c', '2026-01-01T10:02:30.000Z', 60), seg('a', '2026-01-01T10:00:00.000Z', 59.5), seg('b', '2026-01-01T10:00:59.500Z', 60.2)],
      { uri: (s) => `/api/recordings/segments/${s.id}.ts` },
    );
    expect(text.split('\n')).toEqual([
      '#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:61', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T10:00:00.000Z', '#EXTINF:59.500,', '/api/recordings/segments/a.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T10:00:59.500Z', '#EXTINF:60.200,', '/api/recordings/segments/b.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T10:02:30.000Z', '#EXTINF:60.000,', '/api/recordings/segments/c.ts',
      '#EXT-X-ENDLIST', '',
    ]);
  });

  it('is a valid empty playlist when nothing was recorded', () => {
    expect(buildVodPlaylist([], { uri: () => '' })).toBe('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-ENDLIST\n');
  });

  it('spans an event clip from pre-roll before its start to post-roll after its end', () => {
    expect(clipSpan('2026-01-01T10:00:00.000Z', 5, 10, 20)).toEqual({ fromMs: Date.parse('2026-01-01T09:59:50.000Z'), toMs: Date.parse('2026-01-01T10:00:25.000Z') });
    expect(clipSpan('2026-01-01T10:00:00.000Z', null, 10, 10).toMs).toBe(Date.parse('2026-01-01T10:00:10.000Z'));
  });
});

describe('HTTP Range of a segment', () => {
  it('reads byte ranges, open-ended and suffix ones, and refuses unsatisfiable ones', () => {
    expect(parseRange(undefined, 1000)).toBeNull();
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=500-5000', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('items=0-1', 1000)).toBeNull();
  });
});
