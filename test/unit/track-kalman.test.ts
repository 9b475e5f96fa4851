import { describe, expect, it } from 'vitest';
import { createBoxKalmanFilter, createKalmanState, kalmanBoxXyxy } from '../../src/vision/track/kalman.js';

describe('box Kalman filter', () => {
  it('starts at the measured box with zero velocity', () => {
    const kf = createBoxKalmanFilter();
    const s = createKalmanState();
    kf.initiate(s, 10, 20, 30, 80);
    expect(kalmanBoxXyxy(s)).toEqual([10, 20, 30, 80]);
    expect([...s.mean.slice(4)]).toEqual([0, 0, 0, 0]);
  });

  it('learns a constant velocity and extrapolates it', () => {
    const kf = createBoxKalmanFilter();
    const s = createKalmanState();
    // A 20x60 box moving +5 px/frame in x and -2 px/frame in y.
    kf.initiate(s, 100, 200, 120, 260);
    for (let f = 1; f <= 40; f++) {
      kf.predict(s, 1);
      kf.update(s, 100 + 5 * f, 200 - 2 * f, 120 + 5 * f, 260 - 2 * f);
    }
    expect(s.mean[4]).toBeCloseTo(5, 1);
    expect(s.mean[5]).toBeCloseTo(-2, 1);
    kf.predict(s, 3); // skip three frames: 40 + 3 = 43
    const [x1, y1, x2, y2] = kalmanBoxXyxy(s);
    expect(x1).toBeCloseTo(100 + 5 * 43, 0);
    expect(y1).toBeCloseTo(200 - 2 * 43, 0);
    expect(x2 - x1).toBeCloseTo(20, 1);
    expect(y2 - y1).toBeCloseTo(60, 1);
  });

  it('grows uncertainty when predicting and shrinks it when updating, keeping it symmetric', () => {
    const kf = createBoxKalmanFilter();
    const s = createKalmanState();
    kf.initiate(s, 0, 0, 20, 60);
    const before = s.cov[0] ?? 0;
    kf.predict(s, 1);
    const predicted = s.cov[0] ?? 0;
    expect(predicted).toBeGreaterThan(before);
    kf.update(s, 1, 0, 21, 60);
    expect(s.cov[0] ?? 0).toBeLessThan(predicted);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(s.cov[i * 8 + j]).toBeCloseTo(s.cov[j * 8 + i] ?? NaN, 12);
  });

  it('measures the Mahalanobis distance of a box, more tolerant as uncertainty grows', () => {
    const kf = createBoxKalmanFilter();
    const s = createKalmanState();
    kf.initiate(s, 0, 0, 20, 60);
    expect(kf.mahalanobis(s, 0, 0, 20, 60)).toBeCloseTo(0, 12);
    const near = kf.mahalanobis(s, 2, 0, 22, 60);
    const far = kf.mahalanobis(s, 10, 0, 30, 60);
    expect(far).toBeGreaterThan(near);
    expect(far).toBeCloseTo(25 * near, 6); // quadratic in the offset
    kf.predict(s, 5);
    expect(kf.mahalanobis(s, 10, 0, 30, 60)).toBeLessThan(far);
  });

  it('rejects non-positive noise weights', () => {
    expect(() => createBoxKalmanFilter({ positionStdWeight: 0, velocityStdWeight: 1 })).toThrow(RangeError);
  });
});
