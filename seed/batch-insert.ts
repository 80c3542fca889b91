/**
 * Multi-row INSERTs through drizzle, fast enough for millions of rows. Building a 400-row insert query costs
 * drizzle far more than SQLite spends executing it, so full batches go through one prepared statement per table
 * (placeholders `col_i`, built once); only the final partial batch is built the ordinary way.
 */
import { getTableColumns, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../src/db/index.js';

/** Rows per INSERT. The widest table (products) has 15 columns: 15 × 400 stays far below SQLite's 32,766. */
export const BATCH_ROWS = 400;

export interface BatchInserter<Row> {
  /** Queues a row; writes a full batch once BATCH_ROWS are queued. */
  add(row: Row): void;
  /** Writes whatever is queued. */
  flush(): void;
}

/**
 * Rows must set every column (no reliance on column defaults): a placeholder needs a value. Rows of one batch are
 * written before rows queued later, but not necessarily before other tables' queued rows, so the caller defers
 * foreign-key checks to the end of its transaction.
 */
export function batchInserter<T extends SQLiteTable>(db: Db, table: T, size = BATCH_ROWS): BatchInserter<T['$inferInsert']> {
  const columns = Object.keys(getTableColumns(table));
  let prepared: { run(values: Record<string, unknown>): unknown } | undefined;
  let queued: T['$inferInsert'][] = [];

  // Placeholder names per (row, column), computed once: built per value they took a tenth of a large seed.
  const names = Array.from({ length: size }, (_, i) => columns.map((c) => `${c}_${i}`));

  const writeFull = () => {
    if (!prepared) {
      const rows = names.map((row) => Object.fromEntries(columns.map((c, j) => [c, sql.placeholder(row[j]!)])));
      prepared = db.insert(table).values(rows as T['$inferInsert'][]).prepare();
    }
    const values: Record<string, unknown> = {};
    for (let i = 0; i < queued.length; i++) {
      const row = queued[i] as Record<string, unknown>;
      const rowNames = names[i]!;
      for (let j = 0; j < columns.length; j++) values[rowNames[j]!] = row[columns[j]!];
    }
    prepared.run(values);
    queued = [];
  };

  return {
    add(row) {
      queued.push(row);
      if (queued.length >= size) writeFull();
    },
    flush() {
      if (queued.length > 0) db.insert(table).values(queued).run();
      queued = [];
    },
  };
}
