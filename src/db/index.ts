/**
 * Opens the embedded SQLite database: WAL mode, foreign keys on, migrations applied, and every SQL statement
 * counted (the N+1 tests, the benchmarks and /metrics read `stats.statements`).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

/** The database or a transaction on it: data functions accept either, so callers choose the atomic unit. */
export type Db = BaseSQLiteDatabase<'sync', BetterSqlite3.RunResult, typeof schema>;

/** Counts what the driver really executed, whichever layer issued it. */
export interface SqlStats {
  statements: number;
}

export interface Database {
  db: Db;
  sqlite: BetterSqlite3.Database;
  stats: SqlStats;
  /** The file behind the database. */
  path: string;
  close(): void;
}

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

export function openDatabase(path: string, onStatement?: () => void): Database {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const stats: SqlStats = { statements: 0 };
  // better-sqlite3 calls `verbose` once per statement execution (sqlite3_trace), so this is the true count.
  const sqlite = new BetterSqlite3(file, {
    verbose: () => {
      stats.statements++;
      onStatement?.();
    },
  });
  cacheStatements(sqlite);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  // Gather planner statistics where they are missing or stale (cheap; SQLite's recommended practice at open).
  sqlite.pragma('optimize=0x10002');
  return {
    db,
    sqlite,
    stats,
    path: file,
    close: () => {
      if (!sqlite.open) return;
      sqlite.pragma('optimize');
      sqlite.close();
    },
  };
}

/**
 * Reuses prepared statements by SQL text: drizzle asks the driver to prepare every query it runs, and preparing is
 * a measurable share of a request. A reused statement is reset to the driver's default modes first, since callers
 * switch `raw`/`pluck`/`expand` on the statement object itself.
 */
function cacheStatements(sqlite: BetterSqlite3.Database, max = 1000): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, BetterSqlite3.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      if (statement.reader) statement.raw(false).pluck(false).expand(false);
      return statement;
    }
    statement = prepare(source);
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}
