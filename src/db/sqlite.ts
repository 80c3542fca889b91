/**
 * The embedded engine: one better-sqlite3 connection to a file, WAL mode, `synchronous=NORMAL`, foreign keys on,
 * migrations applied at open. Each statement is prepared once, the first time it runs (cached by its name), and
 * counted in `stats.statements`.
 *
 * One connection serves every request, so a transaction is a turn: while `transaction(fn)` is open (and while it
 * waits to open), statements from outside it and other transactions queue behind it, so an `await` inside `fn`
 * never lets another request's statement into it. With no transaction open or queued a statement runs at once.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Engine, Param, Queryable, SqlStats, Statement } from './engine.js';
import { UniqueViolation } from './errors.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

export interface SqliteOptions {
  /**
   * How long a statement (or a transaction) waits for the open transaction before it fails. Transactions take
   * milliseconds; a wait this long means a statement on the engine itself was issued from inside a transaction (it
   * could never run before that transaction ends): failing it rolls the transaction back instead of hanging.
   * @default 15_000 ms
   */
  turnTimeoutMs?: number;
}

export interface SqliteEngine extends Engine {
  readonly dialect: 'sqlite';
  /** The file behind the database. */
  readonly path: string;
}

export function openSqlite(path: string, options: SqliteOptions = {}): SqliteEngine {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  // Durable against a crash of the process (the WAL is in the OS's page cache), not of the machine (README).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS });
  // Gather planner statistics where they are missing or stale (cheap; SQLite's recommended practice at open).
  sqlite.pragma('optimize=0x10002');
  return new Sqlite(sqlite, file, options.turnTimeoutMs ?? 15_000);
}

class Sqlite implements SqliteEngine {
  readonly dialect = 'sqlite' as const;
  readonly stats: SqlStats = { statements: 0 };
  /** Prepared statements by `Statement.name` (a bounded set, since statements are constants), with their source. */
  private readonly prepared = new Map<string, { source: Statement<unknown>; prepared: BetterSqlite3.Statement }>();
  /** Transactions open or waiting for their turn; statements outside them wait while it is above 0. */
  private pending = 0;
  /** Settles when the last transaction queued so far has finished. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    readonly path: string,
    private readonly turnTimeoutMs: number,
  ) {}

  async all<Row>(statement: Statement<Row>, params: readonly Param[] = []): Promise<Row[]> {
    if (this.pending > 0) await this.turn();
    return this.allNow(statement, params);
  }

  async get<Row>(statement: Statement<Row>, params: readonly Param[] = []): Promise<Row | undefined> {
    if (this.pending > 0) await this.turn();
    return this.getNow(statement, params);
  }

  async run(statement: Statement<unknown>, params: readonly Param[] = []): Promise<number> {
    if (this.pending > 0) await this.turn();
    return this.runNow(statement, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.pending++;
    const previous = this.tail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // Settles once the previous transaction and this one have both ended (even if this one gave up waiting).
    this.tail = previous.then(() => mine);
    try {
      await this.waitFor(previous);
      this.exec('BEGIN IMMEDIATE');
      const tx = new Transaction(this);
      try {
        const result = await fn(tx);
        tx.end();
        this.exec('COMMIT');
        return result;
      } catch (err) {
        tx.end();
        // Some errors (SQLITE_FULL, an interrupted statement) roll the transaction back by themselves.
        if (this.sqlite.inTransaction) this.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.pending--;
      release();
    }
  }

  async ping(): Promise<void> {
    this.sqlite.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (!this.sqlite.open) return;
    this.prepared.clear();
    this.sqlite.pragma('optimize');
    this.sqlite.close();
  }

  /** Waits until no transaction is open or queued. */
  private async turn(): Promise<void> {
    while (this.pending > 0) await this.waitFor(this.tail);
  }

  allNow<Row>(statement: Statement<Row>, params: readonly Param[]): Row[] {
    const rows = this.call(statement, (s) => s.all(...bind(params))) as Record<string, unknown>[];
    const map = statement.map;
    return (map ? rows.map(map) : rows) as Row[];
  }

  getNow<Row>(statement: Statement<Row>, params: readonly Param[]): Row | undefined {
    const row = this.call(statement, (s) => s.get(...bind(params))) as Record<string, unknown> | undefined;
    if (row === undefined) return undefined;
    return (statement.map ? statement.map(row) : row) as Row;
  }

  runNow(statement: Statement<unknown>, params: readonly Param[]): number {
    return (this.call(statement, (s) => s.run(...bind(params))) as BetterSqlite3.RunResult).changes;
  }

  private call(statement: Statement<unknown>, fn: (s: BetterSqlite3.Statement) => unknown): unknown {
    let entry = this.prepared.get(statement.name);
    if (entry?.source !== statement) {
      const text = sqliteText(statement);
      if (entry && text !== sqliteText(entry.source)) throw new Error(`two different statements are named "${statement.name}"`);
      entry = { source: statement, prepared: entry?.prepared ?? this.sqlite.prepare(text) };
      this.prepared.set(statement.name, entry);
    }
    this.stats.statements++;
    try {
      return fn(entry.prepared);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' || (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new UniqueViolation(uniqueIndexOf(err as Error));
      }
      throw err;
    }
  }

  /** Resolves when `turn` settles, or rejects after `turnTimeoutMs`. */
  private waitFor(turn: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`waited ${this.turnTimeoutMs} ms for the open transaction: was the engine used from inside a transaction?`)),
        this.turnTimeoutMs,
      );
    });
    return Promise.race([turn, timeout]).finally(() => clearTimeout(timer));
  }

  private exec(sql: 'BEGIN IMMEDIATE' | 'COMMIT' | 'ROLLBACK'): void {
    this.stats.statements++;
    this.sqlite.exec(sql);
  }
}

/** The open transaction's statements: they run at once (the transaction holds the turn). */
class Transaction implements Queryable {
  readonly dialect = 'sqlite' as const;
  private open = true;

  constructor(private readonly engine: Sqlite) {}

  end(): void {
    this.open = false;
  }

  async all<Row>(statement: Statement<Row>, params: readonly Param[] = []): Promise<Row[]> {
    return this.engine.allNow(this.check(statement), params);
  }

  async get<Row>(statement: Statement<Row>, params: readonly Param[] = []): Promise<Row | undefined> {
    return this.engine.getNow(this.check(statement), params);
  }

  async run(statement: Statement<unknown>, params: readonly Param[] = []): Promise<number> {
    return this.engine.runNow(this.check(statement), params);
  }

  private check<S>(statement: S): S {
    if (!this.open) throw new Error('statement issued on a transaction that has already ended');
    return statement;
  }
}

const sqliteText = (s: Statement<unknown>) => (typeof s.sql === 'string' ? s.sql : s.sql.sqlite);

/** better-sqlite3 binds numbers, strings, null; booleans become 0/1 and id lists JSON text (for `json_each(?)`). */
function bind(params: readonly Param[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (typeof p === 'boolean' || Array.isArray(p)) {
      out ??= params.slice();
      out[i] = typeof p === 'boolean' ? Number(p) : JSON.stringify(p);
    }
  }
  return out ?? (params as unknown[]);
}

/** SQLite names the columns, not the index: "UNIQUE constraint failed: users.email". */
function uniqueIndexOf(err: Error): string | undefined {
  return /constraint failed: (.+)$/.exec(err.message)?.[1];
}
