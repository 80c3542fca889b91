/**
 * Writes the generated demo data into a database, on either engine: streamed from the generators, inserted in
 * multi-row batches, a few thousand products (with their reviews) per transaction, so memory stays flat at any size.
 */
import type { Table } from 'drizzle-orm';
import { hashPassword } from '../src/auth/password.js';
import { bulkLoad, deleteEverything, isEmpty as isEmptyDb } from '../src/data/maintenance.js';
import { statement, type Engine, type Queryable } from '../src/db/engine.js';
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
 * of BATCH_ROWS, so products leave each transaction in full batches.
 */
const PRODUCTS_PER_TRANSACTION = 5 * BATCH_ROWS;

const SET_PASSWORD = statement('seed.setPassword', `UPDATE "users" SET "password_hash" = ? WHERE "id" = ?`);

export async function seedDatabase(engine: Engine, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const plan = planSeed({ products: opts.products, seed: opts.seed ?? DEFAULT_SEED });
  // scrypt runs on libuv's thread pool, so the demo hashes are computed while this thread inserts rows (the
  // yields between chunks keep the hashing chain moving).
  const hashes = hashDemoPasswords();
  hashes.catch(() => {}); // awaited below; this only stops an early rejection being reported as unhandled

  return bulkLoad(engine, async () => {
    const counts = { categories: 0, users: 0, sellers: 0, products: 0, reviews: 0 };
    await engine.transaction(async (tx) => {
      counts.categories = await insertAll(tx, schema.categories, generateCategories());
      counts.users = await insertAll(tx, schema.users, generateUsers(plan));
      counts.sellers = await insertAll(tx, schema.sellers, generateSellers(plan));
    });

    // Products are written in full batches as they fill; reviews only once their products are in (after each
    // products batch), so every foreign key holds at every statement.
    const products = batchInserter(schema.products);
    const reviews = batchInserter(schema.reviews, { manual: true });
    const source = generateProducts(plan);
    while (counts.products < plan.products) {
      await engine.transaction(async (tx) => {
        const end = Math.min(plan.products, counts.products + PRODUCTS_PER_TRANSACTION);
        for (; counts.products < end; counts.products++) {
          const next = source.next();
          if (next.done) throw new Error('product generator ended early');
          for (const review of next.value.reviews) await reviews.add(tx, review);
          if (await products.add(tx, next.value.product)) await reviews.writeFull(tx);
          counts.reviews += next.value.reviews.length;
        }
        // Reviews may stay queued into the next transaction (their products are committed by then); products
        // may not, or a later batch of reviews could reach the database before its products.
        await products.flush(tx);
        if (counts.products === plan.products) await reviews.flush(tx);
        else await reviews.writeFull(tx);
      });
      opts.onProgress?.(counts.products, plan.products);
      // Let timers (a progress bar) and the hashing callbacks run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (plan.products === 0) opts.onProgress?.(0, 0);

    const hashed = await hashes;
    await engine.transaction(async (tx) => {
      for (const [i, account] of DEMO_ACCOUNTS.entries()) await tx.run(SET_PASSWORD, [hashed[i]!, account.id]);
    });
    return { seed: plan.seed, ...counts, durationMs: Math.round(performance.now() - started) };
  });
}

/** True when none of the seeded tables has a row: seeding would otherwise collide on the explicit ids. */
export const isEmpty = (engine: Engine): Promise<boolean> => isEmptyDb(engine);

/** Deletes every row of every table (orders included) and restarts generated ids. */
export const resetDatabase = (engine: Engine): Promise<void> => deleteEverything(engine);

/** Two at a time: each scrypt call holds 128 MiB, and the machine may have only two cores. */
async function hashDemoPasswords(): Promise<string[]> {
  const hashes: string[] = [];
  const lane = async (start: number) => {
    for (let i = start; i < DEMO_ACCOUNTS.length; i += 2) hashes[i] = await hashPassword(DEMO_PASSWORD);
  };
  await Promise.all([lane(0), lane(1)]);
  return hashes;
}

async function insertAll<T extends Table>(db: Queryable, table: T, rows: Iterable<T['$inferInsert']>): Promise<number> {
  const inserter = batchInserter(table);
  let count = 0;
  for (const row of rows) {
    await inserter.add(db, row);
    count++;
  }
  await inserter.flush(db);
  return count;
}
