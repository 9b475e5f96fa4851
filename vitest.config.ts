import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests decode real footage and run the real detector on 2 cores.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time on 2 cores: most long tests wait (leases expiring, reconnection
    // backoffs, processes starting) rather than compute, so one file at a time left a core idle.
    maxWorkers: 2,
    globalSetup: ['test/helpers/no-stray-ffmpeg.ts'],
  },
});
