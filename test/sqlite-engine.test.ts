/**
 * The SQLite engine's own rules: statements prepared once by name, id lists for `json_each(?)`, typed unique
 * violations, transactions as turns on the one connection (nothing from outside gets in while one awaits), and a
 * read-only connection's batches of reads in one snapshot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMIT_PARAM } from '../src/data/sql.js';
import { queryColumn } from '../src/db/adhoc.js';
import { statement } from '../src/db/engine.js';
import { UniqueViolation } from '../src/db/errors.js';
import { openSqlite, openSqliteReadOnly, type SqliteEngine } from '../src/db/sqlite.js';

let dir: string;
let engine: SqliteEngine;

const COUNT = statement<{ n: number }>('t.count', 'SELECT count(*) AS n FROM categories');
const INSERT = statement('t.insert', 'INSERT INTO categories (id, name, slug) VALUES (?, ?, ?)');
const BY_IDS = statement<{ id: number }>('t.byIds', 'SELECT id FROM categories WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id');
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bazaar-sqlite-'));
  engine = openSqlite(join(dir, 'engine.db'), { turnTimeoutMs: 300 });
});

afterAll(async () => {
  await engine.close();
  await engine.close(); // idempotent
  rmSync(dir, { recursive: true, force: true });
});

describe('the SQLite engine', () => {
  it('runs statements with ? placeholders, binds id lists as JSON for json_each, counts every execution', async () => {
    const before = engine.stats.statements;
    await engine.run(INSERT, [1, 'One', 'one']);
    await engine.run(INSERT, [2, 'Two', 'two']);
    expect(await engine.all(BY_IDS, [[2, 1, 99]])).toEqual([{ id: 1 }, { id: 2 }]);
    expect(engine.stats.statements - before).toBe(3);
  });

  it('turns a unique index refusing a row into UniqueViolation', async () => {
    await expect(engine.run(INSERT, [3, 'Three', 'one'])).rejects.toBeInstanceOf(UniqueViolation);
  });

  it('refuses two different statements under one name', async () => {
    await engine.get(COUNT);
    await expect(engine.get(statement('t.count', 'SELECT 1 AS n'))).rejects.toThrow(/two different statements/);
  });

  it('limits rows by a bound LIMIT +? (LIMIT_PARAM), and refuses a bare LIMIT ?, which SQLite would prepare again on every run', async () => {
    const page = statement<{ id: number }>('t.page', `SELECT id FROM categories ORDER BY id ${LIMIT_PARAM.sqlite}`);
    expect(await engine.all(page, [1])).toEqual([{ id: 1 }]);
    expect(await engine.all(page, [2])).toEqual([{ id: 1 }, { id: 2 }]);
    await expect(engine.all(statement('t.bare', 'SELECT id FROM categories ORDER BY id LIMIT ?'), [1])).rejects.toThrow(/"t\.bare" binds a bare LIMIT \?/);
    await expect(engine.all(statement('t.offset', 'SELECT id FROM categories LIMIT 5 OFFSET ?'), [1])).rejects.toThrow(/bare OFFSET \?: write OFFSET \+\?/);
    // Ad-hoc SQL (tools, tests) is left as written: it is written for both engines and never on a hot path.
    expect(await queryColumn(engine, 'SELECT id FROM categories ORDER BY id LIMIT ?', [1])).toEqual([1]);
  });

  it('keeps other statements out of a transaction while it awaits, and lets them in after the commit', async () => {
    const seen: number[] = [];
    const tx = engine.transaction(async (t) => {
      await t.run(INSERT, [10, 'Ten', 'ten']);
      await tick(); // an await inside the transaction: the read below must not run here
      seen.push((await t.get(COUNT))!.n);
      await t.run(INSERT, [11, 'Eleven', 'eleven']);
    });
    const outside = engine.get(COUNT).then((row) => seen.push(row!.n));
    await Promise.all([tx, outside]);
    expect(seen).toEqual([3, 4]); // inside: 2 + 1; outside, after the commit: 2 + 2
  });

  it('rolls back on a throw, runs queued transactions one after another', async () => {
    const order: string[] = [];
    const failing = engine.transaction(async (t) => {
      await t.run(INSERT, [20, 'Twenty', 'twenty']);
      await tick();
      order.push('a');
      throw new Error('no');
    });
    const next = engine.transaction(async (t) => {
      order.push('b');
      return (await t.get(COUNT))!.n;
    });
    await expect(failing).rejects.toThrow('no');
    expect(await next).toBe(4);
    expect(order).toEqual(['a', 'b']);
  });

  it('fails (and rolls back) a transaction that waits on a statement issued on the engine from inside it', async () => {
    const stuck = engine.transaction(async (t) => {
      await t.run(INSERT, [30, 'Thirty', 'thirty']);
      await engine.get(COUNT); // not `t`: it can only run after this transaction, so it times out
    });
    await expect(stuck).rejects.toThrow(/waited 300 ms/);
    expect((await engine.get(COUNT))!.n).toBe(4);
  });

  it('commits transactions queued behind each other together; one that fails rolls back alone', async () => {
    const other = openSqlite(engine.path); // a second connection: sees only what is committed
    const before = engine.stats.statements;
    const seenOutside: number[] = [];
    const done: number[] = [];
    const burst = [0, 1, 2, 3, 4].map((i) =>
      engine
        .transaction(async (t) => {
          await t.run(INSERT, [40 + i, `Forty ${i}`, `forty-${i}`]);
          if (i === 2) throw new Error('this one fails');
          if (i === 4) seenOutside.push((await other.get(COUNT))!.n); // the group has not committed yet
          return i;
        })
        .then((i) => void done.push(i), (err: Error) => err.message),
    );
    expect(await Promise.all(burst)).toEqual([undefined, undefined, 'this one fails', undefined, undefined]);
    expect(done.sort()).toEqual([0, 1, 3, 4]);
    expect(seenOutside).toEqual([4]); // none of the burst's rows before the COMMIT
    expect((await other.all(BY_IDS, [[40, 41, 42, 43, 44]])).map((r) => r.id)).toEqual([40, 41, 43, 44]);
    // One BEGIN and one COMMIT for the five (and their five INSERTs), not five of each.
    expect(engine.stats.statements - before).toBe(7);
    await other.close();
  });

  it('answers ping, and fails statements once closed', async () => {
    await engine.ping();
    const other = openSqlite(join(dir, 'other.db'));
    await other.close();
    await expect(other.ping()).rejects.toThrow();
    await expect(other.get(COUNT)).rejects.toThrow(/not open/);
  });
});

describe("a read-only connection's snapshot: a batch of reads in one read transaction", () => {
  it('reads one state inside it, the latest after it, and counts only the reads', async () => {
    const reader = openSqliteReadOnly(engine.path);
    const count = async () => (await reader.get(COUNT))!.n;
    const before = await count();
    const statements = reader.stats.statements;
    const seen = await reader.snapshot(async () => {
      const first = await count();
      await engine.run(INSERT, [60, 'Sixty', 'sixty']); // committed by the writer while the batch reads
      await tick();
      return [first, await count()];
    });
    expect(seen).toEqual([before, before]);
    expect(await count()).toBe(before + 1);
    expect(await reader.snapshot(count)).toBe(before + 1); // a batch started after a write reads it
    expect(reader.stats.statements - statements).toBe(4); // BEGIN and COMMIT are not the application's statements
    await reader.close();
  });

  it('a batch started while another still reads sees what was committed before it; so does the rest of the other', async () => {
    const reader = openSqliteReadOnly(engine.path);
    const count = async () => (await reader.get(COUNT))!.n;
    const before = await count();
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    const first = reader.snapshot(async () => {
      const a = await count();
      await paused;
      return [a, await count()];
    });
    await tick();
    await engine.run(INSERT, [61, 'Sixty-one', 'sixty-one']);
    expect(await reader.snapshot(count)).toBe(before + 1);
    resume();
    expect(await first).toEqual([before, before + 1]);
    await reader.close();
  });

  it('leaves no transaction open when a read fails', async () => {
    const reader = openSqliteReadOnly(engine.path);
    await expect(reader.snapshot(() => reader.run(INSERT, [62, 'No', 'no']))).rejects.toThrow(/readonly/);
    await engine.run(INSERT, [62, 'Sixty-two', 'sixty-two']);
    expect((await reader.all(BY_IDS, [[62]])).map((r) => r.id)).toEqual([62]);
    await reader.close();
  });
});
