/**
 * The demo seed: deterministic, internally consistent (denormalised ratings match the reviews), and the demo
 * accounts work. Two fresh databases seeded with the same options must hold the same rows.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/auth/password.js';
import { countProducts } from '../src/data/products.js';
import { TABLES } from '../src/data/maintenance.js';
import { getTableName } from 'drizzle-orm';
import { openDatabase, type Engine } from '../src/db/index.js';
import { emptyDatabase, sqlOn, type Disposable } from './helpers/db.js';
import { DEMO_PASSWORD, isEmpty, resetDatabase, seedDatabase, type SeedSummary } from '../seed/seed.js';

const PRODUCTS = 600;

/** Every seeded table in id order; password hashes are salted, so only their presence is compared. */
const DUMPS = {
  categories: 'SELECT * FROM categories ORDER BY id',
  users: 'SELECT id, name, email, role, created_at, password_hash IS NOT NULL FROM users ORDER BY id',
  sellers: 'SELECT * FROM sellers ORDER BY id',
  products: 'SELECT * FROM products ORDER BY id',
  reviews: 'SELECT * FROM reviews ORDER BY id',
};

async function digest(database: Engine, query: string): Promise<string> {
  const hash = createHash('sha256');
  for (const row of await sqlOn(database).rows(query)) hash.update(JSON.stringify(Object.values(row))).update('\n');
  return hash.digest('hex');
}

const count = (database: Engine, query: string): Promise<number> => sqlOn(database).value<number>(query);

let dirs: Disposable<string>[] = []; // the two databases, dropped at the end
let a: Engine;
let b: Engine;
let summaryA: SeedSummary;
let summaryB: SeedSummary;

beforeAll(async () => {
  // Two fresh databases on this test project's engine (SQLite files, or PostgreSQL databases).
  dirs = [await emptyDatabase(), await emptyDatabase()];
  a = await openDatabase(dirs[0]!.value);
  b = await openDatabase(dirs[1]!.value);
  expect(await isEmpty(a)).toBe(true);
  summaryA = await seedDatabase(a, { products: PRODUCTS });
  summaryB = await seedDatabase(b, { products: PRODUCTS });
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  for (const d of dirs) await d.dispose();
});

describe('seed', () => {
  it('is deterministic: the same options give identical rows', async () => {
    const { durationMs: _a, ...countsA } = summaryA;
    const { durationMs: _b, ...countsB } = summaryB;
    expect(countsA).toEqual(countsB);
    expect(countsA).toMatchObject({ seed: 42, categories: 20, products: PRODUCTS });
    for (const query of Object.values(DUMPS)) expect(await digest(a, query)).toBe(await digest(b, query));
    expect(await isEmpty(a)).toBe(false);
  });

  it('creates the four demo accounts with the demo password; nobody else can log in', async () => {
    const rows = await sqlOn(a).rows<{ id: number; email: string; role: string; hash: string }>(
      'SELECT id, email, role, password_hash AS hash FROM users WHERE id <= 4 ORDER BY id',
    );
    expect(rows.map(({ id, email, role }) => ({ id, email, role }))).toEqual([
      { id: 1, email: 'buyer@example.com', role: 'BUYER' },
      { id: 2, email: 'buyer2@example.com', role: 'BUYER' },
      { id: 3, email: 'seller@example.com', role: 'SELLER' },
      { id: 4, email: 'admin@example.com', role: 'ADMIN' },
    ]);
    for (const row of rows) expect(await verifyPassword(DEMO_PASSWORD, row.hash)).toBe(true);
    expect(await count(a, 'SELECT count(*) FROM users WHERE password_hash IS NOT NULL')).toBe(4);
    expect(await count(a, 'SELECT count(*) FROM users WHERE email <> lower(email)')).toBe(0);
  }, 120_000); // four scrypt verifications: slow when the cores are shared

  it('gives seller@example.com seller 1, with products in stock', async () => {
    const owner = await sqlOn(a).value('SELECT u.email FROM sellers s JOIN users u ON u.id = s.owner_user_id WHERE s.id = 1');
    expect(owner).toBe('seller@example.com');
    expect(await count(a, 'SELECT count(*) FROM products WHERE seller_id = 1 AND stock > 0')).toBeGreaterThanOrEqual(5);
    // Every other seller has an owner of role SELLER too.
    const owned = "SELECT count(*) FROM sellers s JOIN users u ON u.id = s.owner_user_id WHERE u.role = 'SELLER'";
    expect(await count(a, owned)).toBe(summaryA.sellers);
  });

  it('prices products sensibly', async () => {
    expect(await count(a, 'SELECT count(*) FROM products WHERE price_paise <= 0 OR price_paise > mrp_paise')).toBe(0);
    expect(await count(a, 'SELECT count(*) FROM products WHERE price_paise < mrp_paise')).toBeGreaterThan(PRODUCTS / 2);
    expect(await count(a, 'SELECT count(*) FROM products WHERE stock = 0')).toBeGreaterThan(0);
  });

  it('keeps rating_sum, review_count and rating_avg equal to the reviews', async () => {
    const mismatches = await count(
      a,
      `SELECT count(*) FROM products p
         LEFT JOIN (SELECT product_id, count(*) AS n, sum(rating) AS total FROM reviews GROUP BY product_id) r
           ON r.product_id = p.id
       WHERE p.review_count <> coalesce(r.n, 0) OR p.rating_sum <> coalesce(r.total, 0)
          OR abs(p.rating_avg - coalesce(1.0 * r.total / r.n, 0)) > 1e-9`,
    );
    expect(mismatches).toBe(0);
    expect(await count(a, 'SELECT count(*) FROM products WHERE review_count = 0')).toBeGreaterThan(0);
  });

  it('writes at most one review per author and product, from existing users, after the listing', async () => {
    const violations = [
      'SELECT 1 FROM reviews GROUP BY author_id, product_id HAVING count(*) > 1',
      'SELECT 1 FROM reviews r LEFT JOIN users u ON u.id = r.author_id WHERE u.id IS NULL',
      'SELECT 1 FROM reviews r JOIN products p ON p.id = r.product_id WHERE r.created_at <= p.created_at',
      'SELECT 1 FROM reviews r JOIN users u ON u.id = r.author_id WHERE r.created_at <= u.created_at',
      'SELECT 1 FROM products p JOIN sellers s ON s.id = p.seller_id WHERE p.created_at < s.joined_at',
    ];
    for (const query of violations) expect(await count(a, `SELECT count(*) FROM (${query}) AS v`), query).toBe(0);
  });

  it('spreads ratings in a J-shape: 5★ most common, 2★ rarest', async () => {
    const byRating = new Map(
      (await sqlOn(a).rows<{ rating: number; n: number }>('SELECT rating, count(*) AS n FROM reviews GROUP BY rating')).map((r) => [r.rating, r.n]),
    );
    const counts = [1, 2, 3, 4, 5].map((r) => byRating.get(r) ?? 0);
    expect(Math.max(...counts)).toBe(counts[4]);
    expect(Math.min(...counts)).toBe(counts[1]);
  });

  it('indexes products for full-text search', async () => {
    expect(await countProducts(a, { words: ['boat'] })).toBeGreaterThan(0);
  });

  it('resetDatabase empties every table, orders included', async () => {
    const sql = sqlOn(b);
    await sql.run(`INSERT INTO orders (id, buyer_id, status, total_paise, idempotency_key, request_hash, created_at, updated_at)
        VALUES (1, 1, 'CREATED', 100, 'k', 'h', 0, 0)`);
    await sql.run('INSERT INTO order_items VALUES (1, 1, 1, 1, 100)');
    await sql.run(`INSERT INTO order_events (id, order_id, status, at) VALUES (1, 1, 'CREATED', 0)`);
    await sql.run(`INSERT INTO event_sequence (id, last_value) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET last_value = 1`);
    await sql.run(`INSERT INTO refresh_tokens (user_id, family_id, token_hash, created_at, expires_at) VALUES (1, 'f', 'h', 0, 1)`);
    await resetDatabase(b);
    expect(await isEmpty(b)).toBe(true);
    const tables = TABLES.map((t) => getTableName(t));
    expect(tables).toEqual(expect.arrayContaining(['orders', 'refresh_tokens', 'users', 'event_sequence']));
    for (const table of tables) {
      expect(await count(b, `SELECT count(*) FROM ${table}`)).toBe(0);
    }
    expect(await countProducts(b, { words: ['boat'] })).toBe(0);
    if (b.dialect === 'sqlite') expect(await sql.value('PRAGMA foreign_keys')).toBe(1);
  });
});
