/** Counts the retention runs of a service (scheduled ones and those asked for by the API) for the metrics. */
import type { RetentionService } from '../recording/retention-run.js';
import type { LiveCounters } from './live-counters.js';

export function countRetentionRuns(service: RetentionService, counters: Pick<LiveCounters, 'recordRetentionRun'>, now: () => number = Date.now): RetentionService {
  return {
    ...service,
    async run(options) {
      const summary = await service.run(options);
      if (!summary.dryRun) counters.recordRetentionRun(summary, now());
      return summary;
    },
  };
}
