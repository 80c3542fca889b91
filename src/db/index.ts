/**
 * Opens the database named by the configuration, once at start: a SQLite file (a plain path or a `file:` URL) or
 * PostgreSQL (`postgres://`, `postgresql://`). Either way the result is an `Engine` (src/db/engine.ts), migrated
 * and ready; nothing above `src/data` needs to know which.
 */
import type { Engine } from './engine.js';
import type { PostgresEngine } from './postgres.js';
import { openSqlite } from './sqlite.js';

export type { Dialect, Engine, Param, Queryable, SqlStats, Statement } from './engine.js';
export { statement } from './engine.js';

/** True for the URLs that mean PostgreSQL. */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

export interface DatabaseOptions {
  /** SQLite only: read-only connections on worker threads (src/db/sqliteReaders.ts). @default 0 */
  sqliteReaders?: number;
  /** SQLite only: the SQLite time (µs, a moving average) from which a read goes to a reader. @default 60 */
  sqliteOffloadUs?: number;
}

export async function openDatabase(url: string, options: DatabaseOptions = {}): Promise<Engine> {
  if (isPostgresUrl(url)) return openPostgresEngine(url);
  const path = url.startsWith('file:') ? decodeURIComponent(url.slice('file:'.length).replace(/^\/\/(?=\/)/, '')) : url;
  return openSqlite(path, { readers: options.sqliteReaders, offloadFromUs: options.sqliteOffloadUs });
}

/** Loaded only when asked for, so a SQLite deployment never loads the PostgreSQL driver. */
async function openPostgresEngine(url: string): Promise<Engine> {
  const { openPostgres } = await import('./postgres.js');
  return openPostgres(url);
}

/**
 * Runs `fn` (the first seed of an empty database) in one instance at a time. PostgreSQL: under the same advisory
 * lock as the migrations, so instances that start together seed once while the others wait, then find the
 * database full. SQLite: one process owns the file, so `fn` just runs.
 */
export function setupExclusively<T>(engine: Engine, fn: () => Promise<T>): Promise<T> {
  return 'withSetupLock' in engine ? (engine as PostgresEngine).withSetupLock(fn) : fn();
}
