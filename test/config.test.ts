import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { DEFAULT_OFFLOAD_FROM_US } from '../src/db/sqliteReaders.js';

describe('configuration is read and validated once, failing with one line naming the variable', () => {
  it('has the contract defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 4000, maxQueryCost: 1000, maxQueryDepth: 12, rateLimitMax: 2000, rateLimitAnonMax: 1000, rateLimitRestore: 100, introspection: true, logLevel: 'info', env: 'development' });
    expect(c.databaseUrl).toMatch(/data\/bazaar\.db$/);
    expect(c.jwtSecretGenerated).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MAX_QUERY_COST: '0' }, 'MAX_QUERY_COST'],
    [{ INTROSPECTION: 'maybe' }, 'INTROSPECTION'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ OPTIMIZATIONS: 'fast' }, 'OPTIMIZATIONS'],
    [{ EXECUTOR: 'v8' }, 'EXECUTOR'],
    [{ SQLITE_READERS: 'two' }, 'SQLITE_READERS'],
    [{ SQLITE_READERS: '17' }, 'SQLITE_READERS'],
    [{ SQLITE_OFFLOAD_US: '-1' }, 'SQLITE_OFFLOAD_US'],
    [{ SQLITE_OFFLOAD_US: 'soon' }, 'SQLITE_OFFLOAD_US'],
    [{ EXECUTION_THREADS: 'many' }, 'EXECUTION_THREADS'],
    [{ EXECUTION_THREADS: '65' }, 'EXECUTION_THREADS'],
  ])('%j fails naming %s', (env, name) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });

  it('a plain path and a file: URL both mean SQLite', () => {
    expect(loadConfig({ DATABASE_URL: '/tmp/a.db' }).databaseUrl).toBe('/tmp/a.db');
    expect(loadConfig({ DATABASE_URL: 'file:/tmp/b.db' }).databaseUrl).toBe('/tmp/b.db');
    expect(loadConfig({ DATABASE_URL: 'file:///tmp/c.db' }).databaseUrl).toBe('/tmp/c.db');
  });

  it('a postgres:// or postgresql:// URL means PostgreSQL and is kept as given', () => {
    const url = 'postgres://shop:secret@db.internal:5432/bazaar';
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/bazaar' }).databaseUrl).toBe('postgresql://localhost/bazaar');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://shop:secret@/' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://localhost/bazaar' })).toThrow(/DATABASE_URL/);
  });

  it('SQLITE_READERS sets the reader threads; 0 keeps every statement on the one connection', () => {
    expect(loadConfig({ SQLITE_READERS: '0' }).sqliteReaders).toBe(0);
    expect(loadConfig({ SQLITE_READERS: '2' }).sqliteReaders).toBe(2);
    expect(loadConfig({}).sqliteReaders).toBe(0);
  });

  it('EXECUTION_THREADS sets the execution threads: one a core (at most 4) unless told; 0 runs every query on the event loop', () => {
    expect(loadConfig({ EXECUTION_THREADS: '0' }).executionThreads).toBe(0);
    expect(loadConfig({ EXECUTION_THREADS: '3' }).executionThreads).toBe(3);
    expect(loadConfig({}).executionThreads).toBe(Math.min(availableParallelism(), 4));
  });

  it('SQLITE_OFFLOAD_US sets the SQLite time from which a read goes to a reader', () => {
    expect(loadConfig({ SQLITE_OFFLOAD_US: '500' }).sqliteOffloadUs).toBe(500);
    expect(loadConfig({ SQLITE_OFFLOAD_US: '0' }).sqliteOffloadUs).toBe(0);
    expect(loadConfig({}).sqliteOffloadUs).toBe(DEFAULT_OFFLOAD_FROM_US);
  });

  it('INTROSPECTION=off disables introspection', () => {
    expect(loadConfig({ INTROSPECTION: 'off' }).introspection).toBe(false);
  });

  it('optimizations are on with graphql-jit unless switched off (the benchmarks\' baseline)', () => {
    expect(loadConfig({})).toMatchObject({ optimizations: true, executor: 'jit' });
    expect(loadConfig({ OPTIMIZATIONS: 'off', EXECUTOR: 'graphql-js' })).toMatchObject({ optimizations: false, executor: 'graphql-js' });
  });
});
