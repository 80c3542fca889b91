/**
 * Reads on reader threads (src/db/sqliteReaders.ts): the reads a SQLite engine is asked for outside transactions
 * run on read-only connections on worker threads, with the same rows, the same counting and the same turns as on
 * the main connection; writes, PRAGMAs and transactions stay on the main connection; reads cheaper than the trip
 * stay there too, until they are not; a reader that fails hands reads back to the main connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statement } from '../src/db/engine.js';
import { openSqlite, type SqliteEngine } from '../src/db/sqlite.js';
import { SqliteReaders } from '../src/db/sqliteReaders.js';

let dir: string;
let engine: SqliteEngine;

const INSERT = statement('r.insert', 'INSERT INTO categories (id, name, slug) VALUES (?, ?, ?)');
const BY_IDS = statement<{ id: number; name: string }>(
  'r.byIds',
  'SELECT id, name FROM categories WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id',
);
const COUNT = statement<{ n: number }>('r.count', 'WITH c AS (SELECT id FROM categories) SELECT count(*) AS n FROM c');
const MAPPED = statement<{ upper: string }>('r.mapped', 'SELECT name FROM categories WHERE id = ?', (raw) => ({
  upper: String(raw.name).toUpperCase(),
}));
const INSERT_RETURNING = statement<{ id: number }>('r.insertReturning', 'INSERT INTO categories (id, name, slug) VALUES (?, ?, ?) RETURNING id');
const SYNCHRONOUS = statement<{ synchronous: number }>('r.pragma', 'PRAGMA synchronous');
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bazaar-readers-'));
  engine = openSqlite(join(dir, 'readers.db'), { readers: 1, offloadFromUs: 0 }); // every read worth a reader
});

afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reads outside transactions run on a reader thread', () => {
  it('returns the same rows (id lists, maps applied, missing rows) and counts each read once', async () => {
    await engine.run(INSERT, [1, 'One', 'one']);
    await engine.run(INSERT, [2, 'Two', 'two']);
    const before = { ...engine.stats };
    expect(await engine.all(BY_IDS, [[2, 1, 99]])).toEqual([{ id: 1, name: 'One' }, { id: 2, name: 'Two' }]);
    expect(await engine.get(MAPPED, [2])).toEqual({ upper: 'TWO' });
    expect(await engine.get(MAPPED, [99])).toBeUndefined();
    expect(await engine.get(COUNT)).toEqual({ n: 2 });
    expect(engine.stats.statements - before.statements).toBe(4);
    expect(engine.stats.onReaders - before.onReaders).toBe(4);
  });

  it('keeps writes (even through all/get), PRAGMAs and transactions on the main connection', async () => {
    const before = engine.stats.onReaders;
    expect(await engine.get(INSERT_RETURNING, [3, 'Three', 'three'])).toEqual({ id: 3 }); // a read-only connection would refuse it
    expect(await engine.get(SYNCHRONOUS)).toEqual({ synchronous: 1 }); // the main connection's NORMAL
    expect(await engine.transaction((t) => t.get(COUNT))).toEqual({ n: 3 });
    expect(engine.stats.onReaders).toBe(before);
  });

  it('waits for an open transaction and then sees its commit, as a read on the main connection does', async () => {
    const tx = engine.transaction(async (t) => {
      await t.run(INSERT, [10, 'Ten', 'ten']);
      await tick();
      await t.run(INSERT, [11, 'Eleven', 'eleven']);
    });
    const outside = engine.get(COUNT);
    await tx;
    expect(await outside).toEqual({ n: 5 });
  });

  it('returns an error from SQLite as a rejection, and goes on serving', async () => {
    const tooBig = statement('r.tooBig', 'SELECT json_extract(?, \'$.a\') AS a'); // malformed JSON fails on the reader
    await expect(engine.get(tooBig, ['{not json'])).rejects.toThrow(/malformed JSON/);
    // The same statement again: its first run failed, and its rows still arrive keyed by column.
    expect(await engine.get(tooBig, ['{"a": 7}'])).toEqual({ a: 7 });
    expect(await engine.get(COUNT)).toEqual({ n: 5 });
  });
});

describe('a read goes to a reader only when its SQLite time is worth the trip', () => {
  // Cheap with 1, a few hundred milliseconds with 3,000,000: the same statement, timed as it runs.
  const SERIES = statement<{ n: number }>(
    'r.series',
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) AS n FROM c',
  );

  it('runs a statement on a reader until it is timed, on the main connection while it is cheap, and back on a reader once it is not', async () => {
    // 5 ms: far above one row's microseconds, far below an eighth of 3,000,000 rows (~0.3-0.5 s here).
    const adaptive = openSqlite(join(dir, 'adaptive.db'), { readers: 1, offloadFromUs: 5_000 });
    try {
      const onReader = async (rows: number) => {
        const before = adaptive.stats.onReaders;
        expect(await adaptive.get(SERIES, [rows])).toEqual({ n: rows });
        return adaptive.stats.onReaders - before;
      };
      expect(await onReader(1)).toBe(1); // never timed: the reader takes it (and times it: microseconds)
      expect(await onReader(1)).toBe(0); // cheap: the main connection
      expect(await onReader(3_000_000)).toBe(0); // still cheap on average when it starts; timed here at ~0.3 s
      expect(await onReader(1)).toBe(1); // the average is now far over 5 ms: back to the reader
    } finally {
      await adaptive.close();
    }
  });
});

describe('a reader that fails', () => {
  it('rejects what it was asked and leaves the pool, so the engine reads on its own connection again', async () => {
    const readers = new SqliteReaders(join(dir, 'missing.db'), 1); // the thread cannot open the file and ends
    await expect(readers.read('get', 'r.one', 'SELECT 1 AS one', [])).rejects.toThrow(/cannot open .*missing.db: unable to open/);
    expect(readers.available).toBe(false);
    await readers.close();
  });

  it('is closed with the engine: reads after close fail as on the main connection', async () => {
    const other = openSqlite(join(dir, 'other.db'), { readers: 1 });
    expect(await other.get(COUNT)).toEqual({ n: 0 });
    await other.close();
    await expect(other.get(COUNT)).rejects.toThrow(/not open/);
  });
});
