/**
 * The embedded engine: one better-sqlite3 connection to a file, WAL mode, `synchronous=NORMAL`, foreign keys on,
 * migrations applied at open. Each statement is prepared once, the first time it runs (cached by its name), and
 * counted in `stats.statements`.
 *
 * One connection serves every request, so a transaction is a turn: while `transaction(fn)` is open (and while it
 * waits to open), statements from outside it and other transactions queue behind it, so an `await` inside `fn`
 * never lets another request's statement into it. With no transaction open or queued a statement runs at once.
 * Transactions queued behind each other commit together (group commit, see `turnFor`).
 *
 * Reads outside transactions go, once it is their turn, to read-only connections on worker threads
 * (src/db/sqliteReaders.ts) when there are any and the read costs SQLite more than the trip costs the event loop,
 * so SQLite's work for them runs beside the event loop.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { ADHOC_PREFIX } from './adhoc.js';
import type { Engine, Param, Queryable, SqlStats, Statement } from './engine.js';
import { UniqueViolation } from './errors.js';
import { DEFAULT_SQLITE_READERS, SqliteReaders } from './sqliteReaders.js';
import { rowMaker, type RowMaker } from './sqliteRows.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

export interface SqliteOptions {
  /**
   * How long a statement (or a transaction) waits for the open transaction before it fails. Transactions take
   * milliseconds; a wait this long means a statement on the engine itself was issued from inside a transaction (it
   * could never run before that transaction ends): failing it rolls the transaction back instead of hanging.
   * @default 15_000 ms
   */
  turnTimeoutMs?: number;
  /**
   * Read-only connections on worker threads that run the reads issued outside transactions (0: every statement on
   * the main connection).
   * @default 0 (DEFAULT_SQLITE_READERS, src/db/sqliteReaders.ts)
   */
  readers?: number;
  /**
   * Reads whose SQLite time averages less than this run on the main connection even with readers (they cost the
   * event loop more on a reader than here).
   * @default 60 µs (src/db/sqliteReaders.ts)
   */
  offloadFromUs?: number;
}

export interface SqliteEngine extends Engine {
  readonly dialect: 'sqlite';
  /** `onReaders`: of the statements counted, those a reader thread ran. */
  readonly stats: SqlStats & { onReaders: number };
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
  const readers = options.readers ?? DEFAULT_SQLITE_READERS;
  return new Sqlite(sqlite, file, options.turnTimeoutMs ?? 15_000, readers > 0 ? new SqliteReaders(file, readers, options.offloadFromUs) : null);
}

/** A read-only connection (`openSqliteReadOnly`): the engine's reads, and a batch of them in one read transaction. */
export interface SqliteReadOnly extends SqliteEngine {
  /**
   * Runs `reads` (a batch of queries) in one read transaction: their statements share one snapshot instead of each
   * opening and closing its own (the bench's SQL floor, the product page's 5 statements: 93 µs one by one, 66 µs in
   * one transaction). The snapshot is taken at the first statement, after `snapshot` was called, so it holds all
   * that was committed before: a query sent after a write reads that write. A batch started while another's reads
   * still run ends the other's transaction first: its remaining reads see the latest state, as reads outside a
   * transaction do.
   */
  snapshot<T>(reads: () => Promise<T>): Promise<T>;
}

/**
 * A read-only connection to a database another connection owns (migrated, in WAL mode): what an execution thread
 * (src/graphql/executionThread.ts) reads with. Each statement outside `snapshot` sees the last committed state, as
 * a read outside a transaction on the main connection does; a write fails with SQLITE_READONLY.
 */
export function openSqliteReadOnly(path: string): SqliteReadOnly {
  const file = resolve(path);
  const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  const begin = sqlite.prepare('BEGIN');
  const commit = sqlite.prepare('COMMIT');
  let batches = 0;
  return Object.assign(new Sqlite(sqlite, file, 15_000, null), {
    async snapshot<T>(reads: () => Promise<T>): Promise<T> {
      if (sqlite.inTransaction) commit.run();
      const batch = ++batches;
      begin.run();
      try {
        return await reads();
      } finally {
        if (batch === batches && sqlite.inTransaction) commit.run();
      }
    },
  });
}

class Sqlite implements SqliteEngine {
  readonly dialect = 'sqlite' as const;
  readonly stats = { statements: 0, onReaders: 0 };
  /** Prepared statements by `Statement.name` (a bounded set, since statements are constants), with their source. */
  private readonly prepared = new Map<string, Prepared>();
  /** Transactions open or waiting for their turn; statements outside them wait while it is above 0. */
  private pending = 0;
  /** Settles when the last transaction queued so far has finished. */
  private tail: Promise<void> = Promise.resolve();
  /** The open group of transactions sharing one BEGIN … COMMIT, if any (see `turnFor`). */
  private group: Group | null = null;
  private commitScheduled = false;
  private readonly savepoints = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    readonly path: string,
    private readonly turnTimeoutMs: number,
    private readonly readers: SqliteReaders | null,
  ) {}

  async all<Row>(statement: Statement<Row>, params: readonly Param[] = []): Promise<Row[]> {
    if (this.pending > 0 || this.group) await this.turn();
    const entry = this.readers?.available ? this.entryFor(statement) : undefined;
    if (!entry?.offload) return this.allNow(statement, params);
    if (!this.readers!.worthOffloading(statement.name)) return this.timedNow(statement.name, () => this.allNow(statement, params));
    this.stats.statements++;
    this.stats.onReaders++;
    const rows = (await this.readers!.read('all', statement.name, entry.text, bind(params))) as Record<string, unknown>[];
    return (statement.map ? rows.map(statement.map) : rows) as Row[];
  }

  async get<Row>(statement: Statement<Row>, params: readonly Param[] = []): Promise<Row | undefined> {
    if (this.pending > 0 || this.group) await this.turn();
    const entry = this.readers?.available ? this.entryFor(statement) : undefined;
    if (!entry?.offload) return this.getNow(statement, params);
    if (!this.readers!.worthOffloading(statement.name)) return this.timedNow(statement.name, () => this.getNow(statement, params));
    this.stats.statements++;
    this.stats.onReaders++;
    const row = (await this.readers!.read('get', statement.name, entry.text, bind(params))) as Record<string, unknown> | undefined;
    if (row === undefined) return undefined;
    return (statement.map ? statement.map(row) : row) as Row;
  }

  async run(statement: Statement<unknown>, params: readonly Param[] = []): Promise<number> {
    if (this.pending > 0 || this.group) await this.turn();
    return this.runNow(statement, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const { result, committed } = await this.turnFor(fn);
    await committed;
    return result;
  }

  /**
   * Runs `fn` in its turn, as a savepoint of the open group (group commit): transactions that run in the same turn
   * of the event loop (or queue behind each other) share one BEGIN IMMEDIATE … COMMIT, each in its own SAVEPOINT
   * (a failure rolls back only its own work). The group commits once no transaction is running or waiting, at the
   * end of the event loop's turn (setImmediate), or at once when it holds GROUP_MAX of them; statements from outside
   * wait for that COMMIT. What a transaction wrote is visible to others only after it, which is when `committed`
   * settles (and so when `transaction` resolves): one COMMIT (and one write of each page touched) for a burst of
   * writes, instead of one each. A transaction alone is BEGIN, its statements, COMMIT, as without groups.
   */
  private async turnFor<T>(fn: (tx: Queryable) => Promise<T>): Promise<{ result: T; committed: Promise<void> }> {
    this.pending++;
    const previous = this.tail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // Settles once the previous transaction and this one have both ended (even if this one gave up waiting).
    this.tail = previous.then(() => mine);
    try {
      await this.waitFor(previous);
      if (!this.group) {
        this.exec('BEGIN IMMEDIATE');
        this.group = new Group();
      }
      const group = this.group;
      this.savepoint('SAVEPOINT tx');
      const tx = new Transaction(this);
      try {
        const result = await fn(tx);
        tx.end();
        this.savepoint('RELEASE tx');
        return { result, committed: group.join() };
      } catch (err) {
        tx.end();
        if (this.sqlite.inTransaction) {
          this.savepoint('ROLLBACK TO tx');
          this.savepoint('RELEASE tx');
        } else {
          // Some errors (SQLITE_FULL, an interrupted statement) roll the whole transaction back by themselves:
          // the group's earlier transactions are gone with it.
          this.group = null;
          group.settle(err);
        }
        throw err;
      }
    } finally {
      this.pending--;
      if (this.group) {
        if (this.group.size >= GROUP_MAX || (this.pending === 0 && this.group.size === 0)) this.commitGroup();
        else if (this.pending === 0) this.scheduleCommit();
      }
      release();
    }
  }

  /** Commits the open group at the end of this turn of the event loop, unless a transaction is running then. */
  private scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      if (this.group && this.pending === 0) this.commitGroup();
    });
  }

  /** Ends the open group: COMMIT (ROLLBACK when none of its transactions succeeded), and tells its members. */
  private commitGroup(): void {
    const group = this.group!;
    this.group = null;
    try {
      this.exec(group.size > 0 ? 'COMMIT' : 'ROLLBACK');
      group.settle();
    } catch (err) {
      if (this.sqlite.inTransaction) this.exec('ROLLBACK');
      group.settle(err);
    }
  }

  async ping(): Promise<void> {
    this.sqlite.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (!this.sqlite.open) return;
    if (this.group && this.pending === 0) this.commitGroup();
    // Readers first: the last connection to close checkpoints the WAL into the file.
    await this.readers?.close();
    this.prepared.clear();
    if (!this.sqlite.readonly) this.sqlite.pragma('optimize');
    this.sqlite.close();
  }

  /** Waits until no transaction is open or queued, and the last group has committed. */
  private async turn(): Promise<void> {
    while (this.pending > 0 || this.group) await this.waitFor(this.pending > 0 ? this.tail : this.group!.done);
  }

  /** A read the readers could take, run here (it is cheap), timed so that it moves to a reader once it is not. */
  private timedNow<T>(name: string, read: () => T): T {
    const started = performance.now();
    const result = read();
    this.readers!.timed(name, Math.round((performance.now() - started) * 1000));
    return result;
  }

  allNow<Row>(statement: Statement<Row>, params: readonly Param[]): Row[] {
    const entry = this.entryFor(statement);
    const values = this.call(entry, (s) => s.all(...bind(params)));
    if (!entry.row) return values as Row[];
    const rows: unknown[] = new Array((values as unknown[]).length);
    const { row } = entry;
    const map = statement.map;
    for (let i = 0; i < rows.length; i++) {
      const r = row((values as unknown[][])[i]!);
      rows[i] = map ? map(r) : r;
    }
    return rows as Row[];
  }

  getNow<Row>(statement: Statement<Row>, params: readonly Param[]): Row | undefined {
    const entry = this.entryFor(statement);
    const values = this.call(entry, (s) => s.get(...bind(params))) as unknown[] | undefined;
    if (values === undefined || !entry.row) return values as Row | undefined;
    const row = entry.row(values);
    return (statement.map ? statement.map(row) : row) as Row;
  }

  runNow(statement: Statement<unknown>, params: readonly Param[]): number {
    return (this.call(this.entryFor(statement), (s) => s.run(...bind(params))) as BetterSqlite3.RunResult).changes;
  }

  /** The statement prepared on the main connection (once per name), and whether a reader may run it. */
  private entryFor(statement: Statement<unknown>): Prepared {
    let entry = this.prepared.get(statement.name);
    if (entry?.source !== statement) {
      const text = sqliteText(statement);
      if (entry && text !== entry.text) throw new Error(`two different statements are named "${statement.name}"`);
      // Ad-hoc SQL (tools and tests, src/db/adhoc.ts) is written for both engines and is never on a hot path.
      const bare = statement.name.startsWith(ADHOC_PREFIX) ? null : BARE_LIMIT.exec(text);
      if (bare) throw new Error(`statement "${statement.name}" binds a bare ${bare[1]!.toUpperCase()} ?: write ${bare[1]!.toUpperCase()} +? (LIMIT_PARAM in src/data/sql.ts)`);
      const prepared = entry?.prepared ?? this.sqlite.prepare(text);
      // Rows come as arrays and become objects in JavaScript (src/db/sqliteRows.ts).
      const row = entry?.row ?? (prepared.reader ? rowMaker(prepared.raw(true).columns().map((c) => c.name)) : undefined);
      // A PRAGMA reads the connection's own settings; anything that writes needs the main connection.
      entry = { source: statement, text, prepared, row, offload: prepared.readonly && /^\s*(SELECT|WITH)\b/i.test(text) };
      this.prepared.set(statement.name, entry);
    }
    return entry;
  }

  private call(entry: Prepared, fn: (s: BetterSqlite3.Statement) => unknown): unknown {
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

  /** Savepoints of a group's transactions: prepared once, not counted (BEGIN and COMMIT are). */
  private savepoint(sql: 'SAVEPOINT tx' | 'RELEASE tx' | 'ROLLBACK TO tx'): void {
    let prepared = this.savepoints.get(sql);
    if (!prepared) this.savepoints.set(sql, (prepared = this.sqlite.prepare(sql)));
    prepared.run();
  }

  private exec(sql: 'BEGIN IMMEDIATE' | 'COMMIT' | 'ROLLBACK'): void {
    this.stats.statements++;
    this.sqlite.exec(sql);
  }
}

interface Prepared {
  source: Statement<unknown>;
  text: string;
  prepared: BetterSqlite3.Statement;
  /** For a statement that returns rows (in raw mode: arrays), what makes each an object keyed by column name. */
  row?: RowMaker;
  /** Read-only and a query: a reader thread may run it (outside transactions). */
  offload: boolean;
}

/** Transactions most in one group commit. @default 32 */
const GROUP_MAX = 32;

/** The transactions of one group commit, each waiting for the COMMIT that makes its writes durable and visible. */
class Group {
  private readonly members: { resolve(): void; reject(err: unknown): void }[] = [];
  private ended!: () => void;
  /** Settles when the group has committed or failed (statements from outside wait for it). */
  readonly done = new Promise<void>((resolve) => (this.ended = resolve));

  get size(): number {
    return this.members.length;
  }

  /** A transaction that succeeded: settles when the group commits (rejects when the group fails). */
  join(): Promise<void> {
    return new Promise((resolve, reject) => this.members.push({ resolve, reject }));
  }

  /** Committed (no error), or lost with `err`. */
  settle(err?: unknown): void {
    this.ended();
    for (const m of this.members) {
      if (err === undefined) m.resolve();
      else m.reject(err);
    }
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

/**
 * A `LIMIT ?` or `OFFSET ?` whose parameter is bare: SQLite would prepare the statement again on every run
 * (`LIMIT_PARAM` in src/data/sql.ts says why), so the application's statements are refused it, as the programming
 * error it is.
 */
const BARE_LIMIT = /\b(LIMIT|OFFSET)\s+\?/i;

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
