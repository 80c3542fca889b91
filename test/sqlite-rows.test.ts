/**
 * Rows as objects (src/db/sqliteRows.ts): the SQLite engine reads rows as arrays and makes them objects itself, on
 * the main connection and from a reader thread alike; they must be the objects better-sqlite3 would have made: keyed
 * by column name, in order, a repeated name keeping its last value, any name (quotes, spaces) a plain key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statement } from '../src/db/engine.js';
import { openSqlite, type SqliteEngine } from '../src/db/sqlite.js';
import { rowMaker } from '../src/db/sqliteRows.js';

let dir: string;
let file: string;
const engines: Record<string, SqliteEngine> = {};

// Odd names on purpose: a quote, a backslash, a space, a name repeated, and one that reads like code.
const ODD = statement<Record<string, unknown>>(
  'rows.odd',
  `SELECT 1 AS "id", 'a' AS "it's", 'b' AS "back\\slash", 2.5 AS "with space", NULL AS "n", 3 AS "id", 'x' AS "}); throw 1; ({"`,
);
const MANY = statement<{ id: number; name: string }>(
  'rows.many',
  'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i AS id, \'c\' || i AS name FROM n',
);
const NONE = statement<{ id: number }>('rows.none', 'SELECT 1 AS id WHERE 0');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bazaar-rows-'));
  file = join(dir, 'rows.db');
  engines.main = openSqlite(file, { readers: 0 });
  engines.reader = openSqlite(file, { readers: 1, offloadFromUs: 0 });
});

afterAll(async () => {
  for (const e of Object.values(engines)) await e.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('rows are the objects better-sqlite3 would make', () => {
  const expected = () => {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      const sql = typeof ODD.sql === 'string' ? ODD.sql : ODD.sql.sqlite;
      return db.prepare(sql).get() as Record<string, unknown>;
    } finally {
      db.close();
    }
  };

  for (const where of ['main', 'reader']) {
    it(`on the ${where} connection: same keys in the same order, same values, a repeated name keeps its last value`, async () => {
      const row = await engines[where]!.get(ODD);
      expect(row).toEqual(expected());
      expect(Object.keys(row!)).toEqual(Object.keys(expected()));
      expect(row!.id).toBe(3);
      expect(row!["it's"]).toBe('a');
      expect(row!['}); throw 1; ({']).toBe('x');
    });

    it(`on the ${where} connection: every row of a list, none for an empty result`, async () => {
      expect(await engines[where]!.all(MANY)).toEqual([1, 2, 3, 4, 5].map((i) => ({ id: i, name: `c${i}` })));
      expect(await engines[where]!.all(NONE)).toEqual([]);
      expect(await engines[where]!.get(NONE)).toBeUndefined();
    });
  }

  it('a maker keys values by position and leaves out nothing', () => {
    const make = rowMaker(['a', 'b', 'a']);
    expect(make([1, 2, 3])).toEqual({ a: 3, b: 2 });
    expect(make([null, undefined, 'x'])).toEqual({ a: 'x', b: undefined });
  });

  it('a column named __proto__ is a property of the row, never its prototype', () => {
    const row = rowMaker(['__proto__', 'id'])([{ polluted: true }, 1]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row)).toEqual(['__proto__', 'id']);
    expect((row as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
