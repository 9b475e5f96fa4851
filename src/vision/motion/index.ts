export { createMotionDetector, type MotionDetector } from './motion-detector.js';
export { DEFAULT_MOTION_OPTIONS, type MotionDetectorOptions, type MotionRegion, type MotionResult } from './types.js';
