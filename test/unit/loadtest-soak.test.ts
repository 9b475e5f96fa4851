import { describe, expect, it } from 'vitest';
import { leastSquaresSlope, replaceSoakSection, SOAK_BEGIN, SOAK_END, soakMarkdown, summariseSoak, type SoakSample } from '../../src/loadtest/soak.js';

const sample = (minute: number, rssMiB: number, extra: Partial<SoakSample> = {}): SoakSample => ({
  minute, rssMiB, ffmpegRssMiB: 200, ffmpegProcesses: 8, meanFps: 2, camerasRunning: 4, framesDropped: minute, restarts: 0, load1: 1, ...extra,
});

describe('soak run summary', () => {
  it('fits the RSS growth by least squares, after the warm-up only', () => {
    expect(leastSquaresSlope([[0, 1], [1, 3], [2, 5]])).toBe(2);
    expect(leastSquaresSlope([[1, 1], [1, 2]])).toBeNull();
    // A warm-up climb from 300 to 600 MiB, then flat with noise: the growth after the warm-up is ~0.
    const samples = [sample(1, 300), sample(5, 600), ...Array.from({ length: 50 }, (_, i) => sample(10 + i, 600 + (i % 2 === 0 ? 1 : -1)))];
    const summary = summariseSoak(samples, 10);
    expect(summary.rssAfterWarmupMiB).toBe(601);
    expect(summary.rssMaxMiB).toBe(601);
    expect(Math.abs(summary.rssSlopeMiBPerHour ?? 99)).toBeLessThan(1);
    expect(summary.framesDropped).toBe(59);
  });

  it('shows a leak as MiB per hour', () => {
    const leaking = Array.from({ length: 60 }, (_, i) => sample(i + 1, 500 + i * 0.5));
    expect(summariseSoak(leaking, 10).rssSlopeMiBPerHour).toBe(30);
  });

  it('writes the section between its markers, or appends it once', () => {
    const body = soakMarkdown({ cameras: 4 }, summariseSoak([sample(1, 500)], 0), [sample(1, 500)]);
    expect(body).toContain('| 1 | 500 | 200 | 8 | 2 | 4 | 1 | 0 | 1 |');
    const appended = replaceSoakSection('# Benchmarks\n', body);
    expect(appended).toContain(`${SOAK_BEGIN}\n${body}\n${SOAK_END}`);
    const replaced = replaceSoakSection(appended, 'new figures');
    expect(replaced.split(SOAK_BEGIN)).toHaveLength(2);
    expect(replaced).toContain(`${SOAK_BEGIN}\nnew figures\n${SOAK_END}`);
    expect(replaced).not.toContain('| 1 | 500 |');
  });
});
