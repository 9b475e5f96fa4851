export { createByteTracker, resolveByteTrackerOptions, BYTE_TRACKER_DEFAULTS } from './byte-tracker.js';
export type { ByteTracker, ByteTrackerOptions, ByteTrackerStats, TrackerFrameInfo } from './byte-tracker.js';
export { DEFAULT_CLASS_GROUPS } from './association.js';
export { assignWithLimit, solveAssignment, costMatrix } from './assignment.js';
export type { AssignmentResult, CostMatrix } from './assignment.js';
export { createBoxKalmanFilter, createKalmanState, kalmanBoxXyxy, DEFAULT_KALMAN_PARAMS } from './kalman.js';
export type { BoxKalmanFilter, BoxKalmanParams, KalmanState } from './kalman.js';
