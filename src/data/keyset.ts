/**
 * SQL for keyset pages: the ORDER BY of a list, the "after this cursor" condition as a row-value comparison
 * (which SQLite turns into an index range scan), and one windowed statement for a page of children of many
 * parents at once, the case where DataLoader alone would issue one query per parent.
 */
import { and, asc, desc, inArray, lte, sql, type Column, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/index.js';
import type { PageRequest, SortKey } from '../pagination.js';

/** Two columns, the second being the unique tie-breaker (id); both in the same direction. */
export interface Ordering {
  columns: readonly [Column | SQLWrapper, Column];
  desc: boolean;
}

export function orderBy(order: Ordering): SQL[] {
  return order.columns.map((c) => (order.desc ? desc(c) : asc(c)));
}

export function after(order: Ordering, key: SortKey | null): SQL | undefined {
  if (!key) return undefined;
  const [a, b] = order.columns;
  return order.desc ? sql`(${a}, ${b}) < (${key[0]}, ${key[1]})` : sql`(${a}, ${b}) > (${key[0]}, ${key[1]})`;
}

/**
 * The first `page.first + 1` rows of each parent's list, in one statement:
 * `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY …)` filtered to the page size. Returns rows grouped by parent.
 */
export function windowedPage<Row extends Record<string, unknown>>(
  db: Db,
  table: SQLiteTable,
  parent: SQLiteColumn,
  parentIds: readonly number[],
  order: Ordering,
  page: PageRequest,
): Map<number, Row[]> {
  const byParent = new Map<number, Row[]>();
  if (parentIds.length === 0) return byParent;
  const orderSql = sql.join(orderBy(order), sql`, `);
  const columns = Object.fromEntries(Object.entries(table).filter(([, v]) => isColumn(v))) as Record<string, Column>;
  const ranked = db
    .select({ ...columns, rn: sql<number>`row_number() over (partition by ${parent} order by ${orderSql})`.as('rn') })
    .from(table)
    .where(and(inArray(parent, [...parentIds]), after(order, page.after)))
    .as('ranked');
  const rows = db
    .select()
    .from(ranked)
    .where(lte(ranked.rn, page.first + 1))
    .orderBy(sql`${ranked.rn}`)
    .all() as unknown as (Row & { rn: number })[];
  const parentKey = Object.entries(columns).find(([, c]) => c === parent)![0];
  for (const { rn: _rn, ...row } of rows) {
    const id = row[parentKey] as number;
    const list = byParent.get(id);
    if (list) list.push(row as unknown as Row);
    else byParent.set(id, [row as unknown as Row]);
  }
  return byParent;
}

function isColumn(v: unknown): v is Column {
  return typeof v === 'object' && v !== null && 'columnType' in v && 'name' in v;
}

/** `SELECT parent, count(*) … GROUP BY parent` as a Map (missing parents count 0 for the caller). */
export function countsByParent(db: Db, table: SQLiteTable, parent: SQLiteColumn, ids: readonly number[]) {
  const rows = db
    .select({ parent, n: sql<number>`count(*)` })
    .from(table)
    .where(inArray(parent, [...ids]))
    .groupBy(parent)
    .all();
  return new Map(rows.map((r) => [r.parent as number, r.n]));
}
