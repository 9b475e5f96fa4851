/** Imaging: overlays, privacy blur, JPEG snapshots and the MJPEG live preview. */
export * from './draw.js';
export * from './blur.js';
export * from './overlay.js';
export * from './jpeg.js';
export * from './snapshot.js';
export * from './mjpeg.js';
