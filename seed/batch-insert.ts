/**
 * Multi-row INSERTs, fast enough for millions of rows: one statement per table and row count, prepared once, so a
 * full batch costs the engine one execution. Rows must set every column (no reliance on column defaults).
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { statement, type Param, type Queryable, type Statement } from '../src/db/engine.js';

/** Rows per INSERT. The widest table (products) has 15 columns: 15 × 400 stays far below both engines' limits. */
export const BATCH_ROWS = 400;

export interface BatchInserter<Row> {
  /** Queues a row; writes a full batch once BATCH_ROWS are queued (unless `manual`). Resolves true when it wrote. */
  add(db: Queryable, row: Row): Promise<boolean>;
  /** Writes every full batch queued, keeping the rest queued. */
  writeFull(db: Queryable): Promise<void>;
  /** Writes whatever is queued. */
  flush(db: Queryable): Promise<void>;
}

/**
 * @param manual queue without writing: the caller writes with `writeFull` / `flush` when the rows' parents are in
 * (reviews wait for their products, so foreign keys hold at every statement on either engine).
 */
export function batchInserter<T extends Table>(table: T, { manual = false } = {}): BatchInserter<T['$inferInsert']> {
  const columns = Object.entries(getTableColumns(table));
  const keys = columns.map(([key]) => key);
  const head = `INSERT INTO "${getTableName(table)}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) VALUES `;
  const tuple = `(${keys.map(() => '?').join(', ')})`;
  const statements = new Map<number, Statement>();
  const insertOf = (n: number) => {
    let s = statements.get(n);
    if (!s) {
      s = statement(`seed.insert.${getTableName(table)}.${n}`, head + Array.from({ length: n }, () => tuple).join(', '));
      statements.set(n, s);
    }
    return s;
  };
  let queued: Record<string, unknown>[] = [];

  /** Writes `rows` in one statement. */
  const write = async (db: Queryable, rows: Record<string, unknown>[]) => {
    const params: Param[] = [];
    for (const row of rows) {
      for (const key of keys) {
        const value = row[key];
        // JSON columns (images) travel as text; nothing else here is an array.
        params.push(Array.isArray(value) ? JSON.stringify(value) : ((value ?? null) as Param));
      }
    }
    await db.run(insertOf(rows.length), params);
  };

  const writeFull = async (db: Queryable) => {
    while (queued.length >= BATCH_ROWS) {
      await write(db, queued.slice(0, BATCH_ROWS));
      queued = queued.slice(BATCH_ROWS);
    }
  };

  return {
    async add(db, row) {
      queued.push(row as Record<string, unknown>);
      if (manual || queued.length < BATCH_ROWS) return false;
      await writeFull(db);
      return true;
    },
    writeFull,
    async flush(db) {
      await writeFull(db);
      // The rest in power-of-two chunks: a handful of statement shapes however many rows were left.
      for (let size = BATCH_ROWS; queued.length > 0; size >>= 1) {
        while (queued.length >= size) {
          await write(db, queued.slice(0, size));
          queued = queued.slice(size);
        }
      }
    },
  };
}
