/**
 * The PostgreSQL engine on the test run's private PostgreSQL (tools/services/postgres.ts): migrations,
 * placeholders, named prepared statements, number parsing, typed errors, transactions, the setup lock, and
 * index-served keyset orders and search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statement } from '../../src/db/engine.js';
import { DatabaseUnavailable, UniqueViolation } from '../../src/db/errors.js';
import { openPostgres, toNumbered, type PostgresEngine } from '../../src/db/postgres.js';
import { freePort } from '../../tools/childServer.js';
import { emptyDatabase } from '../helpers/db.js';

const disposers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const dispose of disposers) await dispose();
});

/** A fresh, empty database on the run's server, dropped at the end of the file. */
async function createDatabase(): Promise<string> {
  const db = await emptyDatabase();
  disposers.push(db.dispose);
  return db.value;
}

describe('toNumbered', () => {
  it('numbers placeholders outside literals, identifiers and comments', () => {
    expect(toNumbered(`SELECT * FROM t WHERE a = ? AND b = '?' AND "c?" = ? -- ?\n AND d = ANY(?) /* ? */`)).toBe(
      `SELECT * FROM t WHERE a = $1 AND b = '?' AND "c?" = $2 -- ?\n AND d = ANY($3) /* ? */`,
    );
    expect(toNumbered(`SELECT 'it''s ?', ?, $x$ ? $x$, ?`)).toBe(`SELECT 'it''s ?', $1, $x$ ? $x$, $2`);
  });
});

describe('openPostgres', () => {
  let engine: PostgresEngine;
  beforeAll(async () => {
    engine = await openPostgres(await createDatabase());
  });
  afterAll(() => engine?.close());

  const insertUser = statement<{ id: number; created_at: number }>('test_insert_user', `INSERT INTO users (name, email, created_at) VALUES (?, ?, ?) RETURNING id, created_at`);
  const userIds = statement<{ id: number }>('test_user_ids', `SELECT id FROM users WHERE id = ANY(?::int8[]) ORDER BY id`);

  it('applies the migrations: tables, the generated search vector, the event counter row', async () => {
    const { rows } = await engine.pool.query(`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`);
    expect(rows[0].n).toBe(3); // int8 parsed to a number
    const seq = await engine.get(statement('test_seq', 'SELECT id, last_value FROM event_sequence'));
    expect(seq).toEqual({ id: 1, last_value: 0 });
  });

  it('runs statements with ? placeholders, returns numbers for bigint and numeric, and counts them', async () => {
    const before = engine.stats.statements;
    const big = 1_700_000_000_000_123;
    const row = await engine.get(insertUser, ['Asha', 'asha@example.com', big]);
    expect(row).toEqual({ id: expect.any(Number), created_at: big });
    const second = await engine.get(insertUser, ['Ravi', 'ravi@example.com', 1]);
    expect(await engine.all(userIds, [[row!.id, second!.id, 999]])).toEqual([{ id: row!.id }, { id: second!.id }]);
    const sum = await engine.get(statement('test_sum', 'SELECT sum(created_at) AS s, avg(created_at) AS a FROM users'));
    expect(sum).toEqual({ s: big + 1, a: (big + 1) / 2 });
    expect(engine.stats.statements - before).toBe(4);
  });

  it('prepares each statement once per connection', async () => {
    const probe = statement('test_probe', 'SELECT ?::int AS x');
    await engine.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) expect(await tx.get(probe, [i])).toEqual({ x: i });
      const named = await tx.all<{ n: number }>(
        statement('test_prepared', `SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE 'test_probe_%'`),
      );
      expect(named).toEqual([{ n: 1 }]);
    });
  });

  it('maps a unique violation to UniqueViolation naming the index', async () => {
    const err = await engine.get(insertUser, ['Asha again', 'asha@example.com', 2]).catch((e) => e);
    expect(err).toBeInstanceOf(UniqueViolation);
    expect(err.constraint).toBe('users_email_uq');
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const countUsers = statement<{ n: number }>('test_count_users', 'SELECT count(*) AS n FROM users');
    const before = (await engine.get(countUsers))!.n;
    const statements = engine.stats.statements;
    await engine.transaction(async (tx) => {
      await tx.run(insertUser, ['Meera', 'meera@example.com', 3]);
    });
    expect(engine.stats.statements - statements).toBe(3); // BEGIN, INSERT, COMMIT: counted as SQLite counts them
    const failed = await engine
      .transaction(async (tx) => {
        await tx.run(insertUser, ['Kabir', 'kabir@example.com', 4]);
        await tx.run(insertUser, ['Kabir twin', 'kabir@example.com', 5]);
      })
      .catch((e) => e);
    expect(failed).toBeInstanceOf(UniqueViolation);
    expect((await engine.get(countUsers))!.n).toBe(before + 1);
  });

  it('serves every keyset order from an index, without a sort', async () => {
    await seedProducts(engine, 2000);
    const orders = [
      ['review_count DESC, id DESC', ''],
      ['price_paise ASC, id ASC', 'AND (price_paise, id) > (5000, 10)'],
      ['price_paise DESC, id DESC', 'AND (price_paise, id) < (5000, 10)'],
      ['rating_avg DESC, id DESC', ''],
      ['created_at DESC, id DESC', ''],
    ];
    for (const scope of ['true', 'category_id = 1', 'seller_id = 2']) {
      for (const [order, after] of orders) {
        const plan = await explain(engine, `SELECT * FROM products WHERE ${scope} ${after} ORDER BY ${order} LIMIT 21`);
        expect(plan, `${scope} ORDER BY ${order}`).toMatch(/Index Scan/);
        expect(plan, `${scope} ORDER BY ${order}`).not.toMatch(/Sort/);
      }
    }
  });

  it('searches the weighted tsvector through its GIN index, title matches first', async () => {
    const plan = await explain(engine, `SELECT id FROM products WHERE search_vector @@ to_tsquery('simple', 'phone:*')`);
    expect(plan).toMatch(/products_search_idx/);
    const { rows } = await engine.pool.query(
      `SELECT title, ts_rank(search_vector, q) AS rank FROM products, to_tsquery('simple', 'acme:*') q
        WHERE search_vector @@ q ORDER BY rank DESC, id LIMIT 3`,
    );
    expect(rows[0].title).toMatch(/Acme/);
  });
});

describe('setup lock', () => {
  it('lets several instances start at once on an empty database and migrate once', async () => {
    const url = await createDatabase();
    const engines = await Promise.all(Array.from({ length: 4 }, () => openPostgres(url, { max: 2 })));
    const { rows } = await engines[0]!.pool.query(`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`);
    expect(rows[0].n).toBe(3);
    // Seeding under the lock: each instance checks and fills an empty table; exactly one finds it empty.
    let seeded = 0;
    const isEmpty = statement<{ e: boolean }>('test_is_empty', 'SELECT NOT EXISTS (SELECT 1 FROM categories) AS e');
    const insert = statement('test_insert_cat', `INSERT INTO categories (id, name, slug) VALUES (1, 'A', 'a')`);
    await Promise.all(
      engines.map((e) =>
        e.withSetupLock(async () => {
          if (!(await e.get(isEmpty))!.e) return;
          await new Promise((r) => setTimeout(r, 50)); // a slow seed: the others must still wait
          await e.run(insert);
          seeded++;
        }),
      ),
    );
    expect(seeded).toBe(1);
    await Promise.all(engines.map((e) => e.close()));
  });
});

describe('an unreachable server', () => {
  it('is DatabaseUnavailable, from ping and from statements', async () => {
    const port = await freePort();
    const engine = await openPostgres(`postgres://postgres@127.0.0.1:${port}/none`, { migrate: false, connectionTimeoutMillis: 1000 });
    await expect(engine.ping()).rejects.toBeInstanceOf(DatabaseUnavailable);
    await expect(engine.get(statement('test_one', 'SELECT 1'))).rejects.toBeInstanceOf(DatabaseUnavailable);
    await expect(engine.transaction(async () => 1)).rejects.toBeInstanceOf(DatabaseUnavailable);
    await engine.close();
    await expect(openPostgres(`postgres://postgres@127.0.0.1:${port}/none`)).rejects.toBeInstanceOf(DatabaseUnavailable);
  });
});

async function explain(engine: PostgresEngine, sql: string): Promise<string> {
  const client = await engine.pool.connect();
  try {
    // A small table is cheaper to sort than to walk by index; forbidding the sequential scan asks the planner
    // whether an index can deliver this order at all (a Sort node would mean none can).
    await client.query('SET enable_seqscan = off');
    const { rows } = await client.query(`EXPLAIN ${sql}`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('RESET enable_seqscan');
    client.release();
  }
}

async function seedProducts(engine: PostgresEngine, count: number) {
  await engine.pool.query(`INSERT INTO categories (id, name, slug) VALUES (1, 'Phones', 'phones'), (2, 'Audio', 'audio')`);
  await engine.pool.query(`INSERT INTO sellers (id, name, joined_at) VALUES (1, 'One', 0), (2, 'Two', 0)`);
  await engine.pool.query(
    `INSERT INTO products (seller_id, category_id, title, description, brand, price_paise, mrp_paise, stock,
                           review_count, rating_avg, created_at, updated_at)
     SELECT 1 + i % 2, 1 + i % 2, 'Phone ' || i, 'A phone with a case by Acme', CASE WHEN i % 3 = 0 THEN 'Acme' END,
            1000 + i * 7 % 9000, 20000, i % 5, i % 40, (i % 50) / 10.0, 1700000000000 + i, 1700000000000 + i
       FROM generate_series(1, $1::int) i`,
    [count],
  );
  await engine.pool.query(`UPDATE products SET title = 'Acme Phone Max' WHERE id = 7`);
  await engine.pool.query('ANALYZE products');
}
