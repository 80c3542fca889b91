/**
 * Building blocks for the statements in `src/data`: select lists generated from the drizzle table definitions (so
 * rows arrive with the camelCase keys of the row types), the id-list condition per dialect, and a memo for the
 * statements whose text depends on the request's shape (a filter combination, a batch size), each built once.
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { statement, type Dialect, type Statement } from '../db/engine.js';

/**
 * `"id", "seller_id" AS "sellerId", …` for every column of `table` but those keyed in `except`, optionally qualified
 * by `alias`.
 */
export function selectList(table: Table, alias?: string, except: readonly string[] = []): string {
  const prefix = alias ? `${alias}.` : '';
  return Object.entries(getTableColumns(table))
    .filter(([key]) => !except.includes(key))
    .map(([key, column]) => (column.name === key ? `${prefix}"${key}"` : `${prefix}"${column.name}" AS "${key}"`))
    .join(', ');
}

/** The SQL name of a table's column, by its drizzle key (`sellerId` → `seller_id`). */
export function columnName<T extends Table>(table: T, key: keyof T['_']['columns'] & string): string {
  return `"${getTableColumns(table)[key]!.name}"`;
}

export const tableName = (table: Table): string => `"${getTableName(table)}"`;

/**
 * `column IN (the id list bound to ?)`: a JSON array through `json_each` on SQLite, a `bigint[]` on PostgreSQL.
 * One text for any number of ids, so one prepared statement serves every batch.
 */
export function idIn(column: string): Record<Dialect, string> {
  return {
    sqlite: `${column} IN (SELECT value FROM json_each(?))`,
    postgres: `${column} = ANY(?::bigint[])`,
  };
}

/**
 * A row limit bound as a parameter, per dialect. On SQLite it is `LIMIT +?`: SQLite reads a bare `LIMIT ?`'s bound
 * value while planning and so marks the statement to be prepared again whenever that parameter is bound anew, which
 * is every run (the product page's reviews statement: 26 µs a run with `LIMIT ?`, 12 µs with `LIMIT +?`; the
 * re-prepare is ~150,000 instructions). With the unary plus the limit is an expression the planner does not read:
 * the same plan, the same rows. The SQLite engine refuses the application a bare `LIMIT ?` (src/db/sqlite.ts).
 */
export const LIMIT_PARAM: Record<Dialect, string> = { sqlite: 'LIMIT +?', postgres: 'LIMIT ?' };

/** Fills the same template with each dialect's fragments. */
export function perDialect(build: (d: Dialect) => string): Record<Dialect, string> {
  return { sqlite: build('sqlite'), postgres: build('postgres') };
}

/** `SELECT <all columns> FROM table WHERE column IN (ids) [ORDER BY …]`, the shape of every by-key loader. */
export function byIds<Row>(
  name: string,
  table: Table,
  column: string,
  options: { orderBy?: string; map?: (raw: Record<string, unknown>) => Row; except?: readonly string[] } = {},
): Statement<Row> {
  const order = options.orderBy ? ` ORDER BY ${options.orderBy}` : '';
  return statement<Row>(
    name,
    perDialect((d) => `SELECT ${selectList(table, undefined, options.except)} FROM ${tableName(table)} WHERE ${idIn(column)[d]}${order}`),
    options.map,
  );
}

/**
 * Statements whose text varies with a request's shape (which filters are set, how many rows an INSERT carries):
 * each shape's statement is built the first time it is needed and reused after, under a name that says the shape,
 * so the engine prepares it once per connection. Shapes are finite and small in number by construction.
 */
export function memo<Key extends string, Row>(build: (key: Key) => Statement<Row>): (key: Key) => Statement<Row> {
  const built = new Map<Key, Statement<Row>>();
  return (key) => {
    let s = built.get(key);
    if (!s) {
      s = build(key);
      built.set(key, s);
    }
    return s;
  };
}
