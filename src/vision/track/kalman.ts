/**
 * Constant-velocity Kalman filter on a box.
 *
 * State (8): centre x, centre y, width, height and their velocities, in pixels
 * and pixels per frame. Measurement (4): centre x, centre y, width, height.
 * Noise is proportional to the box size (a person far away moves fewer pixels
 * than one close by), as in the ByteTrack / SORT family, with the state kept
 * as width and height instead of aspect and height so both axes scale alike.
 *
 * Hot path: `predict` and `update` work in place on the caller's typed arrays
 * and on scratch buffers owned by the filter instance; they allocate nothing.
 */
import type { BoxXYXY } from '../../contracts/geometry.js';

export const KALMAN_STATE_DIM = 8;
const N = KALMAN_STATE_DIM;
const M = 4;

export interface BoxKalmanParams {
  /** Position noise as a fraction of the box size (per frame). Larger: trusts detections more. */
  readonly positionStdWeight: number;
  /** Velocity noise as a fraction of the box size (per frame). Larger: follows turns and accelerations faster. */
  readonly velocityStdWeight: number;
}

/**
 * Position weight 1/20 as published for ByteTrack; velocity weight 1/80, twice
 * ByteTrack's 1/160: that one was set for 30 fps video, and Vigie analyses at
 * 5-10 fps, where a walker's velocity changes more between two frames. On
 * PETS09-S2L1 at 10 fps, 1/80 gave fewer identity switches than 1/160 or 1/40.
 */
export const DEFAULT_KALMAN_PARAMS: BoxKalmanParams = { positionStdWeight: 1 / 20, velocityStdWeight: 1 / 80 };

/** Mean and covariance (row-major 8x8) of one track. Owned by the track, mutated in place. */
export interface KalmanState {
  readonly mean: Float64Array;
  readonly cov: Float64Array;
}

export function createKalmanState(): KalmanState {
  return { mean: new Float64Array(N), cov: new Float64Array(N * N) };
}

export interface BoxKalmanFilter {
  /** Starts a state from a first measured box (corners), with zero velocity and wide velocity uncertainty. */
  initiate(state: KalmanState, x1: number, y1: number, x2: number, y2: number): void;
  /** Advances the state by `dtFrames` frames (>= 0) with the constant-velocity model. */
  predict(state: KalmanState, dtFrames: number): void;
  /** Corrects the state with a measured box (corners). */
  update(state: KalmanState, x1: number, y1: number, x2: number, y2: number): void;
  /**
   * Squared Mahalanobis distance of a measured box (corners) from the state's
   * predicted measurement: chi-square with 4 degrees of freedom when the
   * model holds (95% of true matches below 9.49). Grows tolerant as the state's
   * uncertainty grows, e.g. while a track is lost.
   */
  mahalanobis(state: KalmanState, x1: number, y1: number, x2: number, y2: number): number;
}

export function createBoxKalmanFilter(params: BoxKalmanParams = DEFAULT_KALMAN_PARAMS): BoxKalmanFilter {
  const { positionStdWeight: wp, velocityStdWeight: wv } = params;
  if (!(wp > 0) || !(wv > 0)) throw new RangeError('Kalman noise weights must be > 0');
  // Scratch, per filter instance (never shared between trackers).
  const tmp = new Float64Array(N * N);
  const s = new Float64Array(M * M);
  const sInv = new Float64Array(M * M);
  const sWork = new Float64Array(M * M);
  const gain = new Float64Array(N * M);
  const innovation = new Float64Array(M);

  function initiate(state: KalmanState, x1: number, y1: number, x2: number, y2: number): void {
    const { mean, cov } = state;
    const w = Math.max(x2 - x1, 1);
    const h = Math.max(y2 - y1, 1);
    mean.fill(0);
    mean[0] = (x1 + x2) / 2;
    mean[1] = (y1 + y2) / 2;
    mean[2] = w;
    mean[3] = h;
    cov.fill(0);
    const sizeOf = (i: number): number => (i % 2 === 0 ? w : h);
    for (let i = 0; i < M; i++) {
      const sp = 2 * wp * sizeOf(i);
      const sv = 10 * wv * sizeOf(i);
      cov[i * N + i] = sp * sp;
      cov[(i + M) * N + (i + M)] = sv * sv;
    }
  }

  function predict(state: KalmanState, dtFrames: number): void {
    if (!(dtFrames > 0)) return;
    const { mean, cov } = state;
    const dt = dtFrames;
    for (let i = 0; i < M; i++) mean[i] = (mean[i] ?? 0) + dt * (mean[i + M] ?? 0);
    // tmp = F * P
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const p = cov[i * N + j] ?? 0;
        tmp[i * N + j] = i < M ? p + dt * (cov[(i + M) * N + j] ?? 0) : p;
      }
    }
    // P = tmp * F^T + Q
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const t = tmp[i * N + j] ?? 0;
        cov[i * N + j] = j < M ? t + dt * (tmp[i * N + j + M] ?? 0) : t;
      }
    }
    const w = Math.max(mean[2] ?? 1, 1);
    const h = Math.max(mean[3] ?? 1, 1);
    for (let i = 0; i < M; i++) {
      const size = i % 2 === 0 ? w : h;
      const sp = wp * size;
      const sv = wv * size;
      cov[i * N + i] = (cov[i * N + i] ?? 0) + sp * sp * dt;
      cov[(i + M) * N + (i + M)] = (cov[(i + M) * N + (i + M)] ?? 0) + sv * sv * dt;
    }
  }

  /** sInv = (H P H^T + R)^-1, the inverse innovation covariance (top-left 4x4 block of P plus measurement noise). */
  function innovationInverse(state: KalmanState): void {
    const { mean, cov } = state;
    const w = Math.max(mean[2] ?? 1, 1);
    const h = Math.max(mean[3] ?? 1, 1);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < M; j++) s[i * M + j] = cov[i * N + j] ?? 0;
      const r = wp * (i % 2 === 0 ? w : h);
      s[i * M + i] = (s[i * M + i] ?? 0) + r * r;
    }
    invert4(s, sInv, sWork);
  }

  function measureInnovation(mean: Float64Array, x1: number, y1: number, x2: number, y2: number): void {
    innovation[0] = (x1 + x2) / 2 - (mean[0] ?? 0);
    innovation[1] = (y1 + y2) / 2 - (mean[1] ?? 0);
    innovation[2] = x2 - x1 - (mean[2] ?? 0);
    innovation[3] = y2 - y1 - (mean[3] ?? 0);
  }

  function mahalanobis(state: KalmanState, x1: number, y1: number, x2: number, y2: number): number {
    innovationInverse(state);
    measureInnovation(state.mean, x1, y1, x2, y2);
    let d2 = 0;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < M; j++) d2 += (innovation[i] ?? 0) * (sInv[i * M + j] ?? 0) * (innovation[j] ?? 0);
    }
    return d2;
  }

  function update(state: KalmanState, x1: number, y1: number, x2: number, y2: number): void {
    const { mean, cov } = state;
    innovationInverse(state);
    // K = P H^T S^-1  (8x4)
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < M; j++) {
        let acc = 0;
        for (let k = 0; k < M; k++) acc += (cov[i * N + k] ?? 0) * (sInv[k * M + j] ?? 0);
        gain[i * M + j] = acc;
      }
    }
    measureInnovation(mean, x1, y1, x2, y2);
    for (let i = 0; i < N; i++) {
      let acc = 0;
      for (let k = 0; k < M; k++) acc += (gain[i * M + k] ?? 0) * (innovation[k] ?? 0);
      mean[i] = (mean[i] ?? 0) + acc;
    }
    // P = P - K H P ; H P is the top 4 rows of P. Compute into tmp first.
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < M; k++) acc += (gain[i * M + k] ?? 0) * (cov[k * N + j] ?? 0);
        tmp[i * N + j] = acc;
      }
    }
    for (let i = 0; i < N; i++) {
      for (let j = i; j < N; j++) {
        // Subtract and symmetrise against rounding drift.
        const a = (cov[i * N + j] ?? 0) - (tmp[i * N + j] ?? 0);
        const b = (cov[j * N + i] ?? 0) - (tmp[j * N + i] ?? 0);
        const v = (a + b) / 2;
        cov[i * N + j] = v;
        cov[j * N + i] = v;
      }
    }
  }

  return { initiate, predict, update, mahalanobis };
}

/** The state's box as corners (allocates: for output, not for inner loops). */
export function kalmanBoxXyxy(state: KalmanState): BoxXYXY {
  const m = state.mean;
  const cx = m[0] ?? 0;
  const cy = m[1] ?? 0;
  const w = Math.max(m[2] ?? 0, 1);
  const h = Math.max(m[3] ?? 0, 1);
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/**
 * Inverse of a symmetric positive-definite 4x4 matrix by Gauss-Jordan with
 * partial pivoting, into `out`; `work` is caller-owned scratch (no allocation).
 */
function invert4(a: Float64Array, out: Float64Array, work: Float64Array): void {
  // Augmented [a | I] kept as two 4x4 arrays: `work` (copy of a) and `out` (identity).
  work.set(a);
  out.fill(0);
  for (let i = 0; i < M; i++) out[i * M + i] = 1;
  for (let col = 0; col < M; col++) {
    let pivot = col;
    let best = Math.abs(work[col * M + col] ?? 0);
    for (let r = col + 1; r < M; r++) {
      const v = Math.abs(work[r * M + col] ?? 0);
      if (v > best) { best = v; pivot = r; }
    }
    if (best < 1e-12) throw new RangeError('Kalman innovation covariance is singular');
    if (pivot !== col) {
      for (let k = 0; k < M; k++) {
        swap(work, col * M + k, pivot * M + k);
        swap(out, col * M + k, pivot * M + k);
      }
    }
    const inv = 1 / (work[col * M + col] ?? 1);
    for (let k = 0; k < M; k++) {
      work[col * M + k] = (work[col * M + k] ?? 0) * inv;
      out[col * M + k] = (out[col * M + k] ?? 0) * inv;
    }
    for (let r = 0; r < M; r++) {
      if (r === col) continue;
      const f = work[r * M + col] ?? 0;
      if (f === 0) continue;
      for (let k = 0; k < M; k++) {
        work[r * M + k] = (work[r * M + k] ?? 0) - f * (work[col * M + k] ?? 0);
        out[r * M + k] = (out[r * M + k] ?? 0) - f * (out[col * M + k] ?? 0);
      }
    }
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] ?? 0;
  a[i] = a[j] ?? 0;
  a[j] = t;
}
