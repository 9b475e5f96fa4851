import { describe, expect, it } from 'vitest';
import { AccessError, drawNumberedPeople, numberPeople, sharedPeopleAt, subjectPoint, type PeopleFrame, type RecordedFrame } from '../../src/access/index.js';
import type { Detection } from '../../src/contracts/detection.js';
import { COLORS } from '../../src/render/draw.js';

const SIZE = { width: 200, height: 100 };
const det = (box: [number, number, number, number], cls: Detection['cls'] = 'person'): Detection => ({ box, score: 0.9, cls });

/** A frame with a fine checkerboard: any blur changes it. */
function checkerboard(width: number, height: number): RecordedFrame {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill((x + y) % 2 === 0 ? 255 : 0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, data, segment: 's', offsetS: 0 };
}
const pixel = (f: RecordedFrame, x: number, y: number): number[] => [...f.data.subarray((y * f.width + x) * 3, (y * f.width + x) * 3 + 3)];

describe('numbering the people of a frame', () => {
  it('numbers people and motion blobs left to right, normalised and clipped to the frame; vehicles are not numbered', () => {
    const boxes = numberPeople([det([150, 10, 190, 90]), det([20, 10, 60, 90], 'car'), det([-10, 20, 30, 120], 'object'), det([80, 0, 100, 50])], SIZE);
    expect(boxes).toEqual([
      { number: 1, box: [0, 0.2, 0.15, 1] },
      { number: 2, box: [0.4, 0, 0.5, 0.5] },
      { number: 3, box: [0.75, 0.1, 0.95, 0.9] },
    ]);
  });

  it('drops boxes entirely outside the frame', () => {
    expect(numberPeople([det([-50, 10, -10, 90]), det([10, 10, 20, 20])], SIZE).map((b) => b.number)).toEqual([1]);
  });

  it('designates a person by the centre of their box, and refuses a number the frame does not have', () => {
    const boxes = numberPeople([det([20, 10, 60, 90]), det([100, 20, 140, 60])], SIZE);
    expect(subjectPoint(boxes, 2)).toEqual({ x: 0.6, y: 0.4 });
    expect(() => subjectPoint(boxes, 3)).toThrow(AccessError);
    expect(() => subjectPoint(boxes, 3)).toThrow(/no person 3 at that time \(this frame has people 1 to 2\)/);
    expect(() => subjectPoint([], 1)).toThrow(/nobody was detected in this frame/);
  });
});

describe('the picker image', () => {
  it('blurs inside each box, outlines and labels it, and leaves the rest of the frame untouched', () => {
    const frame = checkerboard(320, 160);
    const before = checkerboard(320, 160);
    drawNumberedPeople(frame, [{ number: 1, box: [0.25, 0.25, 0.5, 0.75] }]);
    // Centre of the box: the checkerboard is smoothed to grey.
    const centre = pixel(frame, 120, 80);
    expect(centre[0]).toBeGreaterThan(60);
    expect(centre[0]).toBeLessThan(200);
    // The outline is drawn on the box's edge in the person colour.
    expect(pixel(frame, 80, 80)).toEqual([...COLORS.person]);
    // Far from the box nothing changed.
    expect(pixel(frame, 300, 150)).toEqual(pixel(before, 300, 150));
    expect(pixel(frame, 5, 155)).toEqual(pixel(before, 5, 155));
  });
});

describe('sharing one detection between overlapping calls', () => {
  it('loads once for calls that overlap, gives each its own pixels, and loads again afterwards', async () => {
    const shared = sharedPeopleAt();
    let loads = 0;
    const view: PeopleFrame = { at: 't', segment: 's', width: 2, height: 1, boxes: [] };
    const load = async () => {
      loads += 1;
      await Promise.resolve();
      return { view, frame: checkerboard(2, 1) };
    };
    const [a, b] = await Promise.all([shared('k', load), shared('k', load)]);
    expect(loads).toBe(1);
    a.frame.data[0] = 7;
    expect(b.frame.data[0]).toBe(255);
    await shared('k', load);
    expect(loads).toBe(2);
  });
});
