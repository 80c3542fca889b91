/**
 * Seeds one small catalog per test run into a template; every test server starts from a fresh database made from
 * it (test/helpers/db.ts), so each gets its own data without paying for seeding (and the demo accounts' scrypt
 * hashes) again. Runs once per test project: the `postgres` project first starts a private PostgreSQL
 * (tools/services/postgres.ts), stopped and deleted when the run ends. Each project also starts a private
 * redis-server (tools/services/redis.ts); tests that use it give each server its own key prefix, and tests that stop
 * Redis start their own.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../tools/services/postgres.js';
import { startRedis } from '../../tools/services/redis.js';
import { createTemplate } from './db.js';

export { TEMPLATE_PRODUCTS } from './db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    /** The private PostgreSQL server's maintenance database in the `postgres` project; '' on SQLite. */
    postgresUrl: string;
    /** `redis://127.0.0.1:<port>`: the run's Redis. */
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const redis = await startRedis();
  project.provide('redisUrl', redis.url);
  const teardown = await setupDatabase(project);
  return async () => {
    await redis.stop();
    await teardown();
  };
}

async function setupDatabase(project: TestProject): Promise<() => Promise<void> | void> {
  if (project.name !== 'postgres') {
    const template = await createTemplate();
    project.provide('templateDb', template.value);
    project.provide('postgresUrl', '');
    return () => template.dispose();
  }
  const server = await startPostgres();
  try {
    const template = await createTemplate(server.url);
    project.provide('templateDb', template.value);
    project.provide('postgresUrl', server.url);
  } catch (err) {
    await server.stop();
    throw err;
  }
  // Stopping the server drops every database on it, the template included.
  return () => server.stop();
}
