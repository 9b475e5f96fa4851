import { describe, expect, it } from 'vitest';
import { FrameAssembler } from '../../../src/media/frame-assembler.js';

function bytes(n: number, start = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (start + i) % 256);
}

describe('FrameAssembler', () => {
  it.each([
    ['chunks smaller than a frame', [4, 4, 4, 4, 4, 4]],
    ['chunks spanning frames', [7, 7, 7, 3]],
    ['one chunk with several frames', [24]],
    ['frame-sized chunks', [6, 6, 6, 6]],
    ['single bytes', Array.from({ length: 24 }, () => 1)],
  ])('cuts exact frames from %s', (_name, sizes) => {
    const source = bytes(24);
    const assembler = new FrameAssembler(6);
    const frames: Buffer[] = [];
    let offset = 0;
    for (const size of sizes) {
      assembler.push(source.subarray(offset, offset + size), (f) => frames.push(f));
      offset += size;
    }
    expect(frames).toHaveLength(4);
    frames.forEach((frame, i) => expect([...frame]).toEqual([...source.subarray(i * 6, i * 6 + 6)]));
    expect(new Set(frames.map((f) => f.buffer)).size).toBe(4); // no shared storage between frames
    expect(assembler.pendingBytes).toBe(0);
  });

  it('holds back a partial frame and can drop it', () => {
    const assembler = new FrameAssembler(6);
    const frames: Buffer[] = [];
    assembler.push(bytes(8), (f) => frames.push(f));
    expect(frames).toHaveLength(1);
    expect(assembler.pendingBytes).toBe(2);
    assembler.reset();
    assembler.push(bytes(6, 100), (f) => frames.push(f));
    expect([...(frames[1] ?? [])]).toEqual([...bytes(6, 100)]);
  });

  it('rejects a non-positive frame size', () => {
    expect(() => new FrameAssembler(0)).toThrow(RangeError);
  });
});
