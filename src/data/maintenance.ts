/**
 * Whole-database statements for the seed: is it empty, delete everything, and the bulk-load settings. The tables
 * come from the drizzle schema (the same list on both engines); what differs per engine is spelled out here.
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { statement, type Engine, type Queryable } from '../db/engine.js';
import * as schema from '../db/schema.js';

/** Every application table, parents before children (the order rows can be inserted in). */
export const TABLES: readonly Table[] = [
  schema.categories,
  schema.users,
  schema.sellers,
  schema.products,
  schema.reviews,
  schema.orders,
  schema.orderItems,
  schema.orderEvents,
  schema.eventSequence,
  schema.refreshTokens,
];

const IS_EMPTY = statement<{ used: number }>(
  'maintenance.isEmpty',
  `SELECT CASE WHEN EXISTS (SELECT 1 FROM "products") OR EXISTS (SELECT 1 FROM "users") ` +
    `OR EXISTS (SELECT 1 FROM "sellers") OR EXISTS (SELECT 1 FROM "categories") THEN 1 ELSE 0 END AS "used"`,
);

/** True when none of the seeded tables has a row: seeding would otherwise collide on the explicit ids. */
export async function isEmpty(db: Queryable): Promise<boolean> {
  return (await db.get(IS_EMPTY))!.used === 0;
}

const names = TABLES.map((t) => `"${getTableName(t)}"`);
const FOREIGN_KEYS_OFF = statement('maintenance.foreignKeysOff', 'PRAGMA foreign_keys = OFF');
const FOREIGN_KEYS_ON = statement('maintenance.foreignKeysOn', 'PRAGMA foreign_keys = ON');
const DELETE_ALL = names.map((name) => statement(`maintenance.deleteAll.${name}`, `DELETE FROM ${name}`));
const RESTART_EVENT_IDS = statement('maintenance.restartEventIds', `DELETE FROM sqlite_sequence WHERE name = 'order_events'`);
const TRUNCATE_ALL = statement('maintenance.truncateAll', `TRUNCATE ${names.join(', ')} RESTART IDENTITY CASCADE`);

/**
 * Deletes every row of every table (orders included), and restarts generated ids, so a reset database looks like
 * a fresh one. SQLite: with foreign keys off meanwhile (every table ends up empty anyway, and with them on SQLite
 * deletes row by row, checking each child table); the FTS index follows through its delete trigger.
 */
export async function deleteEverything(engine: Engine): Promise<void> {
  if (engine.dialect === 'postgres') {
    await engine.run(TRUNCATE_ALL);
    return;
  }
  await engine.run(FOREIGN_KEYS_OFF); // a no-op inside a transaction, so set before it
  try {
    await engine.transaction(async (tx) => {
      for (const s of DELETE_ALL) await tx.run(s);
      await tx.run(RESTART_EVENT_IDS);
    });
  } finally {
    await engine.run(FOREIGN_KEYS_ON);
  }
}

const SQLITE_BULK = ['synchronous', 'cache_size', 'wal_autocheckpoint'] as const;
const readPragma = Object.fromEntries(
  SQLITE_BULK.map((name) => [name, statement<Record<string, number>>(`maintenance.read.${name}`, `PRAGMA ${name}`)]),
);
const BULK_SETTINGS = [
  statement('maintenance.bulk.synchronous', 'PRAGMA synchronous = OFF'),
  statement('maintenance.bulk.cacheSize', 'PRAGMA cache_size = -65536'), // KiB: 64 MiB
  statement('maintenance.bulk.walAutocheckpoint', 'PRAGMA wal_autocheckpoint = 10000'), // pages: about 40 MiB of WAL
];
const CHECKPOINT = statement('maintenance.checkpoint', 'PRAGMA wal_checkpoint(TRUNCATE)');
/** After rows were written with explicit ids, each table's id sequence (if it has one) continues after them. */
const SYNC_SEQUENCES = TABLES.filter((t) => 'id' in getTableColumns(t)).map((t) =>
  statement(
    `maintenance.syncSequence.${getTableName(t)}`,
    `SELECT setval(pg_get_serial_sequence('"${getTableName(t)}"', 'id'), max("id")) FROM "${getTableName(t)}"`,
  ),
);

/**
 * Runs a bulk load. SQLite: a seed that dies half-way is re-run with --reset, so per-commit durability buys nothing
 * (synchronous OFF); a bigger page cache and rarer WAL checkpoints cut the cost of the random-order index inserts.
 * All are put back afterwards and the WAL truncated. PostgreSQL: the id sequences are moved past the explicit ids.
 */
export async function bulkLoad<T>(engine: Engine, load: () => Promise<T>): Promise<T> {
  if (engine.dialect === 'postgres') {
    const result = await load();
    for (const s of SYNC_SEQUENCES) await engine.get(s);
    return result;
  }
  const saved: [string, number][] = [];
  for (const name of SQLITE_BULK) saved.push([name, Object.values((await engine.get(readPragma[name]!))!)[0]!]);
  for (const s of BULK_SETTINGS) await engine.run(s);
  try {
    return await load();
  } finally {
    for (const [name, value] of saved) {
      await engine.run(statement(`maintenance.restore.${name}.${value}`, `PRAGMA ${name} = ${Number(value)}`));
    }
    await engine.get(CHECKPOINT);
  }
}
