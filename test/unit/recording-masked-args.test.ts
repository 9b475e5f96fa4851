import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../../src/config/schema.js';
import { buildSegmentArgs } from '../../src/media/segment-args.js';
import { maskImagePam } from '../../src/privacy/mask-image.js';
import { rasterizeMasks } from '../../src/privacy/mask.js';

const base = { source: 'rtsp://cam/stream', segmentS: 60, outputPattern: '/rec/gare/.incoming/1-%06d.ts.part' };

describe('masked recording: recorder arguments, mask image and configuration', () => {
  it('copies the stream without a mask image, and re-encodes with the mask overlaid and keyframes on the segment length with one', () => {
    const copy = buildSegmentArgs(base);
    expect(copy).toContain('copy');
    expect(copy).not.toContain('libx264');
    const masked = buildSegmentArgs({ ...base, maskImage: '/rec/gare/.incoming/1-privacy-mask.pam' });
    expect(masked).not.toContain('copy');
    expect(masked.slice(masked.indexOf('-i'), masked.indexOf('-i') + 4)).toEqual(['-i', 'rtsp://cam/stream', '-i', '/rec/gare/.incoming/1-privacy-mask.pam']);
    expect(masked[masked.indexOf('-filter_complex') + 1]).toMatch(/overlay/);
    expect(masked[masked.indexOf('-c:v') + 1]).toBe('libx264');
    expect(masked[masked.indexOf('-preset') + 1]).toBe('veryfast');
    expect(masked[masked.indexOf('-force_key_frames') + 1]).toBe('expr:gte(t,n_forced*60)');
    // The segment layout is the same as a stream copy's.
    expect(masked.slice(masked.indexOf('-f'))).toEqual(copy.slice(copy.indexOf('-f')));
  });

  it('writes an RGBA PAM opaque black exactly where the bitmap is masked', () => {
    const mask = rasterizeMasks([[[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]]], { width: 4, height: 2 });
    const pam = maskImagePam(mask);
    const header = 'P7\nWIDTH 4\nHEIGHT 2\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n';
    expect(pam.subarray(0, header.length).toString('ascii')).toBe(header);
    const alpha = [...pam.subarray(header.length)].filter((_, i) => i % 4 === 3);
    expect(alpha).toEqual([255, 255, 0, 0, 0, 0, 0, 0]);
    expect([...pam.subarray(header.length)].filter((_, i) => i % 4 !== 3).every((v) => v === 0)).toBe(true);
  });

  it('refuses recording.privacy_masks on a camera without masks, saying how to fix it', () => {
    const camera = { id: 'gare', source: 'rtsp://cam/stream', recording: { enabled: true, privacy_masks: true } };
    const refused = cameraSchema.safeParse(camera);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['recording', 'privacy_masks']);
    expect(refused.error?.issues[0]?.message).toMatch(/no masks: draw at least one privacy mask, or set privacy_masks to false/);
    expect(cameraSchema.parse({ ...camera, masks: [[[0, 0], [1, 0], [0, 1]]] }).recording.privacy_masks).toBe(true);
    expect(cameraSchema.parse({ id: 'gare', source: 'x.mp4' }).recording.privacy_masks).toBe(false);
  });
});
