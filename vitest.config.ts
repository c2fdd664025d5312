import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Integration tests start real servers and load a real model: keep files in separate forks, two at a time (2 cores).
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
