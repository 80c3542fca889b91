/**
 * Writes the generated demo data into a database: streamed from the generators, inserted with drizzle in
 * batches, a few thousand products (with their reviews) per transaction, so memory stays flat at any size.
 */
import { eq, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { hashPassword } from '../src/auth/password.js';
import type { Database, Db } from '../src/db/index.js';
import * as schema from '../src/db/schema.js';
import { BATCH_ROWS, batchInserter } from './batch-insert.js';
import { generateCategories, generateProducts, generateSellers, generateUsers } from './generate.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEFAULT_SEED, planSeed } from './plan.js';

export { DEFAULT_SEED, DEMO_ACCOUNTS, DEMO_PASSWORD };

export interface SeedOptions {
  /** How many products to create; sellers, users and reviews scale with it. */
  products: number;
  /** @default 42 (DEFAULT_SEED) */
  seed?: number;
  /** Called after each committed chunk of products, and once at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  seed: number;
  categories: number;
  users: number;
  sellers: number;
  products: number;
  reviews: number;
  durationMs: number;
}

/**
 * Products per transaction: large enough to amortise commits, small enough to report progress often. A multiple
 * of BATCH_ROWS, so products leave each transaction through the prepared full-batch statement.
 */
const PRODUCTS_PER_TRANSACTION = 5 * BATCH_ROWS;

/** Every application table (not SQLite's, drizzle's bookkeeping or the FTS shadow tables), read from the schema. */
function applicationTables(sqlite: Database['sqlite']): string[] {
  return sqlite
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         AND name NOT LIKE '__drizzle%' AND name NOT LIKE 'products_fts%'`,
    )
    .pluck()
    .all() as string[];
}

export async function seedDatabase(database: Database, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const plan = planSeed({ products: opts.products, seed: opts.seed ?? DEFAULT_SEED });
  // scrypt runs on libuv's thread pool, so the demo hashes are computed while this thread inserts rows (the
  // yields between chunks keep the hashing chain moving).
  const hashes = hashDemoPasswords();
  hashes.catch(() => {}); // awaited below; this only stops an early rejection being reported as unhandled

  const { db, sqlite } = database;
  const restore = tuneForBulkLoad(sqlite);
  // Batches of different tables are written in whatever order they fill up; checked at each commit instead.
  const inTransaction = (work: () => void) =>
    db.transaction(() => {
      sqlite.pragma('defer_foreign_keys = ON');
      work();
    });
  try {
    const counts = { categories: 0, users: 0, sellers: 0, products: 0, reviews: 0 };
    inTransaction(() => {
      counts.categories = insertAll(db, schema.categories, generateCategories());
      counts.users = insertAll(db, schema.users, generateUsers(plan));
      counts.sellers = insertAll(db, schema.sellers, generateSellers(plan));
    });

    const products = batchInserter(db, schema.products);
    const reviews = batchInserter(db, schema.reviews);
    const source = generateProducts(plan);
    while (counts.products < plan.products) {
      inTransaction(() => {
        const end = Math.min(plan.products, counts.products + PRODUCTS_PER_TRANSACTION);
        for (; counts.products < end; counts.products++) {
          const next = source.next();
          if (next.done) throw new Error('product generator ended early');
          products.add(next.value.product);
          for (const review of next.value.reviews) reviews.add(review);
          counts.reviews += next.value.reviews.length;
        }
        // Reviews may stay queued into the next transaction (their products are committed by then); products
        // may not, or a commit could check a queued review against a product not yet written.
        products.flush();
        if (counts.products === plan.products) reviews.flush();
      });
      opts.onProgress?.(counts.products, plan.products);
      // Let timers (a progress bar) and the hashing callbacks run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (plan.products === 0) opts.onProgress?.(0, 0);

    const hashed = await hashes;
    db.transaction((tx) => {
      for (const [i, account] of DEMO_ACCOUNTS.entries()) {
        tx.update(schema.users).set({ passwordHash: hashed[i]! }).where(eq(schema.users.id, account.id)).run();
      }
    });
    return { seed: plan.seed, ...counts, durationMs: Math.round(performance.now() - started) };
  } finally {
    restore();
  }
}

/** True when none of the seeded tables has a row: seeding would otherwise collide on the explicit ids. */
export function isEmpty(database: Database): boolean {
  const row = database.db.get<{ used: number }>(sql`
    SELECT EXISTS (SELECT 1 FROM products) OR EXISTS (SELECT 1 FROM users)
        OR EXISTS (SELECT 1 FROM sellers) OR EXISTS (SELECT 1 FROM categories) AS used`);
  return row.used === 0;
}

/**
 * Deletes every row of every table (orders included); the FTS index follows through its delete trigger.
 * Foreign keys are off meanwhile: every table ends up empty anyway, and with them on SQLite can only delete row by
 * row, checking each child table.
 */
export function resetDatabase(database: Database): void {
  const { sqlite } = database;
  const foreignKeys = sqlite.pragma('foreign_keys', { simple: true }) as number;
  const restore = tuneForBulkLoad(sqlite);
  sqlite.pragma('foreign_keys = OFF'); // a no-op inside a transaction, so set before it
  try {
    sqlite.transaction(() => {
      for (const table of applicationTables(sqlite)) sqlite.prepare(`DELETE FROM "${table}"`).run();
      // order_events is AUTOINCREMENT: restart its ids too, so a reset database looks like a fresh one.
      sqlite.prepare(`DELETE FROM sqlite_sequence WHERE name = 'order_events'`).run();
    })();
  } finally {
    sqlite.pragma(`foreign_keys = ${Number(foreignKeys)}`);
    restore();
  }
}

/**
 * A seed that dies half-way is re-run with --reset, so per-commit durability buys nothing (synchronous OFF).
 * A bigger page cache and rarer WAL checkpoints cut the cost of the random-order index inserts (about a quarter
 * at 100k products); both are constant in N, and the WAL is truncated back afterwards.
 */
function tuneForBulkLoad(sqlite: Database['sqlite']): () => void {
  const names = ['synchronous', 'cache_size', 'wal_autocheckpoint'];
  const saved = names.map((name) => [name, sqlite.pragma(name, { simple: true })] as const);
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -65536'); // KiB: 64 MiB
  sqlite.pragma('wal_autocheckpoint = 10000'); // pages: about 40 MiB of WAL
  return () => {
    for (const [name, value] of saved) sqlite.pragma(`${name} = ${Number(value)}`);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  };
}

/** Two at a time: each scrypt call holds 128 MiB, and the machine may have only two cores. */
async function hashDemoPasswords(): Promise<string[]> {
  const hashes: string[] = [];
  const lane = async (start: number) => {
    for (let i = start; i < DEMO_ACCOUNTS.length; i += 2) hashes[i] = await hashPassword(DEMO_PASSWORD);
  };
  await Promise.all([lane(0), lane(1)]);
  return hashes;
}

function insertAll<T extends SQLiteTable>(db: Db, table: T, rows: Iterable<T['$inferInsert']>): number {
  const inserter = batchInserter(db, table);
  let count = 0;
  for (const row of rows) {
    inserter.add(row);
    count++;
  }
  inserter.flush();
  return count;
}
