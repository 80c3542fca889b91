/**
 * Opens the database named by the configuration, once at start: a SQLite file (a plain path or a `file:` URL) or
 * PostgreSQL (`postgres://`, `postgresql://`). Either way the result is an `Engine` (src/db/engine.ts), migrated
 * and ready; nothing above `src/data` needs to know which.
 */
import type { Engine } from './engine.js';
import { openSqlite } from './sqlite.js';

export type { Dialect, Engine, Param, Queryable, SqlStats, Statement } from './engine.js';
export { statement } from './engine.js';

/** True for the URLs that mean PostgreSQL. */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

export async function openDatabase(url: string): Promise<Engine> {
  if (isPostgresUrl(url)) return openPostgresEngine(url);
  return openSqlite(url.startsWith('file:') ? decodeURIComponent(url.slice('file:'.length).replace(/^\/\/(?=\/)/, '')) : url);
}

/** Loaded only when asked for, so a SQLite deployment never loads the PostgreSQL driver. */
async function openPostgresEngine(url: string): Promise<Engine> {
  // A variable specifier: the PostgreSQL engine (src/db/postgres.ts) is its own module, written beside this one.
  const specifier = './postgres.js';
  let mod: { openPostgres(url: string): Promise<Engine> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error('DATABASE_URL names PostgreSQL, but this build has no PostgreSQL engine (src/db/postgres.ts)');
    }
    throw err;
  }
  return mod.openPostgres(url);
}
