/**
 * `SELECT … WHERE column IN (ids)` as one prepared query per database handle. The ids travel as a single JSON
 * parameter (`json_each`), so the SQL text does not change with the batch size: drizzle builds it and the driver
 * prepares it once, instead of on every loader batch. These are the hottest queries the API runs.
 */
import { asc, sql, type SQLWrapper } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/index.js';

interface Prepared<Row> {
  all(values: { ids: string }): Row[];
}

export function rowsByIds<Row>(table: SQLiteTable, column: SQLiteColumn, orderBy?: SQLiteColumn) {
  const prepared = new WeakMap<Db, Prepared<Row>>();
  return (db: Db, ids: readonly number[]): Row[] => {
    let query = prepared.get(db);
    if (!query) {
      const where: SQLWrapper = sql`${column} in (select value from json_each(${sql.placeholder('ids')}))`;
      const base = db.select().from(table).where(where as never);
      query = (orderBy ? base.orderBy(asc(orderBy)) : base).prepare() as unknown as Prepared<Row>;
      prepared.set(db, query);
    }
    return query.all({ ids: JSON.stringify(ids) });
  };
}
