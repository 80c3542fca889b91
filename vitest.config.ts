import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

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
    // Two cores: more workers only fight over them (the limit holds across both projects).
    maxWorkers: 2,
    // The whole suite runs twice, once per engine: `npx vitest run --project sqlite` (or postgres) runs one.
    // test/postgres/ holds what only PostgreSQL has (its engine, real parallel transactions, instances racing to
    // migrate); the postgres project's globalSetup starts a private PostgreSQL for the run.
    projects: [
      { extends: true, test: { name: 'sqlite', exclude: [...configDefaults.exclude, 'test/postgres/**'] } },
      // Execution threads are SQLite's (PostgreSQL has a pool of connections instead): their suite runs once.
      { extends: true, test: { name: 'postgres', exclude: [...configDefaults.exclude, 'test/execution-threads.test.ts'] } },
    ],
  },
});
