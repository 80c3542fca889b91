import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node (and so `npm start`) loads graphql's CommonJS build for everyone; vite would hand our sources its ESM
    // build instead, a second copy of graphql-js whose classes fail the first one's instanceof checks.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    // Generous: six suites share two cores during development, and a scrypt-heavy test takes 20 s under load.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Two cores: more workers only fight over them.
    maxWorkers: 2,
  },
});
