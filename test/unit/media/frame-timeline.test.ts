import { describe, expect, it } from 'vitest';
import { FrameTimeline } from '../../../src/media/frame-timeline.js';

describe('FrameTimeline', () => {
  it('within one run, pts is index * interval whatever the wall clock does', () => {
    const timeline = new FrameTimeline(200);
    timeline.startSegment();
    expect([5_000, 5_001, 9_000, 9_001].map((wall) => timeline.next(wall))).toEqual([0, 200, 400, 600]);
  });

  it('after a short outage, the next run continues right after the last frame', () => {
    const timeline = new FrameTimeline(100);
    timeline.startSegment();
    [0, 100, 200].forEach((wall) => timeline.next(10_000 + wall)); // last pts 200
    timeline.startSegment();
    expect(timeline.next(10_250)).toBe(300); // wall elapsed 250 < 300
    expect(timeline.next(10_260)).toBe(400);
  });

  it('after a long outage, the next run starts at the elapsed wall time', () => {
    const timeline = new FrameTimeline(100);
    timeline.startSegment();
    timeline.next(10_000);
    timeline.next(10_100);
    timeline.startSegment();
    expect(timeline.next(15_000)).toBe(5_000);
    expect(timeline.next(15_010)).toBe(5_100);
  });
});
