/** Monitoring: Prometheus metrics (`GET /metrics`) and the checks of `GET /api/health`. See docs/MONITORING.md. */
export { createVigieMetrics, DETECTION_SECONDS_BUCKETS, type VigieMetrics } from './registry.js';
export { segmentTotalsOf, type MetricsSources } from './sources.js';
export { metricsAccess, metricsTokenFromEnv, isLoopbackAddress, type MetricsAccess } from './access.js';
export { createLiveCounters, type LiveCounters } from './live-counters.js';
export { dropsByReason, DROP_REASONS } from './drops.js';
export * from './health-checks.js';
export { countRetentionRuns } from './retention-runs.js';
export { databasePing } from './sources.js';
