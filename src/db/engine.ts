/**
 * The seam between the data layer and a database engine. `src/data` writes each statement once (with `?`
 * placeholders) and runs it through a `Queryable`; the engine (SQLite through better-sqlite3, PostgreSQL through
 * node-postgres) prepares it once per connection, counts it, maps driver errors to typed ones, and carries
 * transactions. Nothing outside `src/db` and `src/data` knows which engine is underneath.
 */

export type Dialect = 'sqlite' | 'postgres';

/** A bound value. Arrays are id lists (`= ANY(?)` on PostgreSQL, a JSON text for `json_each(?)` on SQLite). */
export type Param = string | number | boolean | null | readonly number[];

/**
 * A statement written once. `sql` is shared when both dialects accept the same text, or one text per dialect.
 * Placeholders are `?`; PostgreSQL's engine rewrites them to `$1…$n` once, when it first prepares the statement.
 * `name` identifies it in the engine's prepared-statement cache and in logs (unique per statement).
 */
export interface Statement<Row = unknown> {
  readonly name: string;
  readonly sql: string | Readonly<Record<Dialect, string>>;
  /** Turns a driver row into the data layer's row (JSON columns, numeric types); identity when absent. */
  readonly map?: (raw: Record<string, unknown>) => Row;
}

/** Defines a statement; the type parameter is the row it yields. */
export function statement<Row = Record<string, unknown>>(
  name: string,
  sql: Statement<Row>['sql'],
  map?: Statement<Row>['map'],
): Statement<Row> {
  return { name, sql, map };
}

/** Something statements run on: the database itself, or a transaction on it. */
export interface Queryable {
  readonly dialect: Dialect;
  all<Row>(statement: Statement<Row>, params?: readonly Param[]): Promise<Row[]>;
  get<Row>(statement: Statement<Row>, params?: readonly Param[]): Promise<Row | undefined>;
  /** Resolves to the number of rows changed. */
  run(statement: Statement<unknown>, params?: readonly Param[]): Promise<number>;
}

/** Counts what the engine really executed, whichever layer issued it (N+1 tests, benchmarks, /metrics). */
export interface SqlStats {
  statements: number;
}

export interface Engine extends Queryable {
  /**
   * Runs `fn` in one transaction and commits when it resolves (rolls back when it throws). On SQLite, where one
   * connection serves every request, transactions and the statements issued outside them take turns, so an
   * `await` inside `fn` never lets another request's statement into the transaction.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  readonly stats: SqlStats;
  /** Resolves when the database answers; rejects otherwise (`/ready`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
