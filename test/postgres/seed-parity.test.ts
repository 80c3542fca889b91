/**
 * `npm run seed` makes the same catalog on both engines for the same seed: every seeded row is equal, value for
 * value, in SQLite and in PostgreSQL (JSON images compared as lists; password hashes are salted, so only present).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Engine } from '../../src/db/index.js';
import { seedDatabase } from '../../seed/seed.js';
import { emptyDatabase, sqlOn } from '../helpers/db.js';

const DUMPS = {
  categories: 'SELECT id, name, slug FROM categories ORDER BY id',
  users: 'SELECT id, name, email, role, created_at, password_hash IS NOT NULL AS has_password FROM users ORDER BY id',
  sellers: 'SELECT id, name, city, owner_user_id, joined_at FROM sellers ORDER BY id',
  products: `SELECT id, seller_id, category_id, title, description, brand, images, price_paise, mrp_paise, stock,
                    rating_sum, review_count, rating_avg, created_at, updated_at FROM products ORDER BY id`,
  reviews: 'SELECT id, product_id, author_id, rating, title, body, created_at FROM reviews ORDER BY id',
};

/** Engine spellings of the same value: SQLite's JSON text and 0/1 booleans, PostgreSQL's jsonb and booleans. */
function normalize(row: Record<string, unknown>): unknown[] {
  return Object.entries(row).map(([key, v]) =>
    key === 'images' && typeof v === 'string' ? JSON.parse(v) : typeof v === 'boolean' ? Number(v) : v,
  );
}

const dump = async (engine: Engine, sql: string) => (await sqlOn(engine).rows(sql)).map(normalize);

describe('the seed on SQLite and on PostgreSQL', () => {
  it('writes identical rows for the same options', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bazaar-parity-'));
    const pgDb = await emptyDatabase();
    const sqlite = await openDatabase(join(dir, 'parity.db'));
    const postgres = await openDatabase(pgDb.value);
    try {
      const [a, b] = await Promise.all([seedDatabase(sqlite, { products: 300 }), seedDatabase(postgres, { products: 300 })]);
      expect({ ...a, durationMs: 0 }).toEqual({ ...b, durationMs: 0 });
      for (const [table, sql] of Object.entries(DUMPS)) {
        const [rowsA, rowsB] = [await dump(sqlite, sql), await dump(postgres, sql)];
        expect(rowsB.length, table).toBe(rowsA.length);
        expect(rowsB, table).toEqual(rowsA);
      }
    } finally {
      await sqlite.close();
      await postgres.close();
      await pgDb.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
