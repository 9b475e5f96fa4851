import { describe, expect, it } from 'vitest';
import type { TrackFrame } from '../../src/contracts/track.js';
import { formatMotText, groupByFrame, MotFormatError, parseMotText, trackFrameToMotRows } from '../../src/eval/mot-io.js';

describe('MOT text', () => {
  it('parses 10-field and 7-field rows, skipping blank lines and CRLF', () => {
    const rows = parseMotText('1,9,499,158,31.03,75.17,1,-4.1554,-7.3591,0\r\n\n2,-1,500,158,30.979,70.299,93.673\n');
    expect(rows).toEqual([
      { frame: 1, id: 9, left: 499, top: 158, width: 31.03, height: 75.17, conf: 1, x: -4.1554, y: -7.3591, z: 0 },
      { frame: 2, id: -1, left: 500, top: 158, width: 30.979, height: 70.299, conf: 93.673, x: -1, y: -1, z: -1 },
    ]);
  });

  it.each([
    ['1,2,3,4,5,6\n', 1, /expected 7 to 10/],
    ['1,1,0,0,1,1,1\n1,1,0,0,1,1,1,-1,-1,-1,9\n', 2, /got 11/],
    ['\n\n1,1,x,0,1,1,1\n', 3, /field 3 \(left\) is not a number: "x"/],
    ['0,1,0,0,1,1,1\n', 1, /frames count from 1/],
    ['1,1.5,0,0,1,1,1\n', 1, /id must be an integer/],
    ['1,1,0,0,-1,1,1\n', 1, /width and height/],
    ['1,1,0,0,1,,1\n', 1, /field 6 \(height\)/],
  ])('rejects %j naming line %d', (text, line, message) => {
    let error: unknown;
    try {
      parseMotText(text, 'res.txt');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MotFormatError);
    expect((error as MotFormatError).line).toBe(line);
    expect((error as MotFormatError).message).toMatch(new RegExp(`^res\\.txt:${line}: `));
    expect((error as MotFormatError).message).toMatch(message);
  });

  it('writes rows that parse back', () => {
    const text = '1,3,10.5,20,30,60.25,0.9,-1,-1,-1\n2,3,11,20,30,60,0.8765,-1,-1,-1\n';
    expect(formatMotText(parseMotText(text))).toBe(text);
    expect(formatMotText([])).toBe('');
  });

  it('groups rows by frame in increasing order', () => {
    const rows = parseMotText('3,1,0,0,1,1,1\n1,1,0,0,1,1,1\n3,2,0,0,1,1,1\n');
    expect([...groupByFrame(rows).entries()].map(([f, r]) => [f, r.length])).toEqual([[1, 1], [3, 2]]);
  });

  it('turns a tracker frame into MOT rows, frame = seq + 1', () => {
    const frame: TrackFrame = {
      tSec: 0, seq: 0, width: 100, height: 100, endedTrackIds: [],
      tracks: [{ id: 4, box: [10, 20, 40, 80], score: 0.7, cls: 'person', matched: true, ageFrames: 0, velocity: [0, 0] }],
    };
    expect(formatMotText(trackFrameToMotRows(frame))).toBe('1,4,10,20,30,60,0.7,-1,-1,-1\n');
  });
});
