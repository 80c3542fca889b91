/**
 * SQL for keyset pages: the ORDER BY of a list, the "after this cursor" condition as a row-value comparison (an
 * index range scan on both engines), and one statement for a page of children of many parents at once, the case
 * where DataLoader alone would issue one query per parent. That statement stops early for each parent: a
 * correlated `LIMIT` per parent on SQLite, `CROSS JOIN LATERAL (… LIMIT ?)` on PostgreSQL.
 */
import type { Table } from 'drizzle-orm';
import { statement, type Queryable, type Statement } from '../db/engine.js';
import type { PageRequest } from '../pagination.js';
import { idIn, LIMIT_PARAM, perDialect, selectList, tableName } from './sql.js';

/** Two SQL columns, the second being the unique tie-breaker (id); both in the same direction. */
export interface Ordering {
  columns: readonly [string, string];
  desc: boolean;
}

export function orderBy(order: Ordering, alias?: string): string {
  const dir = order.desc ? ' DESC' : '';
  return order.columns.map((c) => `${alias ? `${alias}.` : ''}${c}${dir}`).join(', ');
}

/** `(a, id) > (?, ?)` (or `<` when descending): the rows after the cursor's sort key. */
export function after(order: Ordering, alias?: string): string {
  const [a, b] = order.columns.map((c) => `${alias ? `${alias}.` : ''}${c}`);
  return `(${a}, ${b}) ${order.desc ? '<' : '>'} (?, ?)`;
}

/** The parameters of a page after the WHERE's own: the cursor's key (when there is one), then `first + 1`. */
export function pageParams(page: PageRequest): number[] {
  return page.after ? [page.after[0]!, page.after[1]!, page.first + 1] : [page.first + 1];
}

/**
 * `first + 1` rows of each parent's list, in one statement. Parameters: the parent ids, the cursor key (the
 * `after` variant only), the row limit. Rows come out grouped by parent, in the parents' order, each group sorted.
 */
export function parentPages<Row>(
  name: string,
  table: Table,
  parent: string,
  order: Ordering,
  map?: (raw: Record<string, unknown>) => Row,
): { first: Statement<Row>; after: Statement<Row> } {
  const build = (withAfter: boolean): Statement<Row> => {
    const cond = withAfter ? ` AND ${after(order, 'c')}` : '';
    const from = tableName(table);
    return statement<Row>(
      `${name}${withAfter ? ':after' : ''}`,
      {
        sqlite:
          `SELECT ${selectList(table, 't')} FROM json_each(?) AS p JOIN ${from} AS t ON t."id" IN (` +
          `SELECT c."id" FROM ${from} AS c WHERE c.${parent} = p.value${cond} ORDER BY ${orderBy(order, 'c')} ${LIMIT_PARAM.sqlite}) ` +
          `ORDER BY p.key, ${orderBy(order, 't')}`,
        postgres:
          `SELECT ${selectList(table, 't')} FROM unnest(?::bigint[]) WITH ORDINALITY AS p(parent, ord) ` +
          `CROSS JOIN LATERAL (SELECT * FROM ${from} AS c WHERE c.${parent} = p.parent${cond} ` +
          `ORDER BY ${orderBy(order, 'c')} ${LIMIT_PARAM.postgres}) AS t ORDER BY p.ord, ${orderBy(order, 't')}`,
      },
      map,
    );
  };
  return { first: build(false), after: build(true) };
}

/** Runs a `parentPages` statement and groups its rows by parent. */
export async function pagesOf<Row>(
  db: Queryable,
  statements: { first: Statement<Row>; after: Statement<Row> },
  parentKey: keyof Row,
  parentIds: readonly number[],
  page: PageRequest,
): Promise<Map<number, Row[]>> {
  const byParent = new Map<number, Row[]>();
  if (parentIds.length === 0) return byParent;
  const rows = await db.all(page.after ? statements.after : statements.first, [parentIds, ...pageParams(page)]);
  for (const row of rows) {
    const id = row[parentKey] as number;
    const list = byParent.get(id);
    if (list) list.push(row);
    else byParent.set(id, [row]);
  }
  return byParent;
}

/** `SELECT parent, count(*) … GROUP BY parent` for an id list; run with `countsOf`. */
export function countsByParent(name: string, table: Table, parent: string): Statement<{ parent: number; n: number }> {
  return statement(
    name,
    perDialect(
      (d) =>
        `SELECT ${parent} AS "parent", cast(count(*) AS integer) AS "n" FROM ${tableName(table)} WHERE ${idIn(parent)[d]} GROUP BY ${parent}`,
    ),
  );
}

/** Counts per parent as a Map (missing parents count 0 for the caller). */
export async function countsOf(db: Queryable, s: Statement<{ parent: number; n: number }>, ids: readonly number[]) {
  const rows = await db.all(s, [ids]);
  return new Map(rows.map((r) => [r.parent, r.n]));
}
