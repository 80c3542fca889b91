/**
 * Ad-hoc SQL for tools and tests (the benchmarks' catalog picks, test fixtures), never for the application: the
 * statement is named by its own text, so running the same text again reuses its prepared statement. Write SQL that
 * both engines accept (`?` placeholders).
 */
import { statement, type Param, type Queryable, type Statement } from './engine.js';

const statements = new Map<string, Statement<Record<string, unknown>>>();

/** What an ad-hoc statement's name starts with (the engine holds the application's statements to stricter rules). */
export const ADHOC_PREFIX = 'adhoc:';

function adhoc(sql: string): Statement<Record<string, unknown>> {
  let s = statements.get(sql);
  if (!s) {
    s = statement(`${ADHOC_PREFIX}${sql}`, sql);
    statements.set(sql, s);
  }
  return s;
}

/** Every row. */
export function queryRows<Row = Record<string, unknown>>(db: Queryable, sql: string, params: readonly Param[] = []): Promise<Row[]> {
  return db.all(adhoc(sql), params) as Promise<Row[]>;
}

/** The first row, or undefined. */
export function queryRow<Row = Record<string, unknown>>(db: Queryable, sql: string, params: readonly Param[] = []): Promise<Row | undefined> {
  return db.get(adhoc(sql), params) as Promise<Row | undefined>;
}

/** The first column of the first row (undefined without a row). */
export async function queryValue<V = unknown>(db: Queryable, sql: string, params: readonly Param[] = []): Promise<V> {
  const row = await db.get(adhoc(sql), params);
  return (row ? Object.values(row)[0] : undefined) as V;
}

/** The first column of every row. */
export async function queryColumn<V = unknown>(db: Queryable, sql: string, params: readonly Param[] = []): Promise<V[]> {
  return (await db.all(adhoc(sql), params)).map((row) => Object.values(row)[0] as V);
}

/** Runs a statement; resolves to the number of rows it changed. */
export function execute(db: Queryable, sql: string, params: readonly Param[] = []): Promise<number> {
  return db.run(adhoc(sql), params);
}
