/**
 * HLS VOD playlists built from the segment index (pure): one entry per
 * segment, each with its wall time (EXT-X-PROGRAM-DATE-TIME). Every file's
 * timestamps start again at zero (`-reset_timestamps 1`: each file plays on
 * its own, as evidence must), so every boundary is a discontinuity for the
 * player, across gaps and between adjacent segments alike.
 */
import type { Segment } from './segment-index.js';

export interface PlaylistOptions {
  /** URI of a segment, e.g. `/api/recordings/segments/<id>.ts`. */
  readonly uri: (segment: Segment) => string;
}

export function buildVodPlaylist(segments: readonly Segment[], options: PlaylistOptions): string {
  const ordered = [...segments].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const target = Math.max(1, ...ordered.map((s) => Math.ceil(s.durationS)));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD'];
  ordered.forEach((segment, i) => {
    if (i > 0) lines.push('#EXT-X-DISCONTINUITY');
    // Wall time of the segment's first frame: players show it, and it maps the timeline back to real time.
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${segment.start}`);
    lines.push(`#EXTINF:${segment.durationS.toFixed(3)},`);
    lines.push(options.uri(segment));
  });
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/**
 * The [from, to) span of an event's clip with pre- and post-roll, in ms:
 * `startIso` is the event's wall start, `durationS` its length (null while open: the start alone).
 */
export function clipSpan(startIso: string, durationS: number | null, preS: number, postS: number): { readonly fromMs: number; readonly toMs: number } {
  const start = Date.parse(startIso);
  return { fromMs: start - preS * 1000, toMs: start + Math.max(0, durationS ?? 0) * 1000 + postS * 1000 };
}
