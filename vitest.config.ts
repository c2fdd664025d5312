import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds; packages loaded by Node (type-graphql,
    // graphql-ws, @apollo/server) get the CJS one, so tests must too, or schema objects from
    // two "realms" collide ("Cannot use GraphQLObjectType from another module or realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
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
