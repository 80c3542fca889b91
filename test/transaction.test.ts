/** withTransaction: the transaction rides on the context; side effects run once, after the commit, never on rollback. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../src/context.js';
import { statement } from '../src/db/engine.js';
import { openSqlite, type SqliteEngine } from '../src/db/sqlite.js';
import { withTransaction } from '../src/services/transaction.js';

let dir: string;
let engine: SqliteEngine;
let ctx: Context;

const COUNT = statement<{ n: number }>('t.count', 'SELECT count(*) AS n FROM categories');
const INSERT = statement('t.insert', 'INSERT INTO categories (id, name, slug) VALUES (?, ?, ?)');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bazaar-tx-'));
  engine = openSqlite(join(dir, 'tx.db'));
  ctx = { db: engine } as unknown as Context;
});

afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('withTransaction', () => {
  it('gives fn a context on the transaction and runs queued effects once, after the commit, in order', async () => {
    const log: string[] = [];
    const result = await withTransaction(ctx, async (tx) => {
      expect(tx.db).not.toBe(engine);
      await tx.db.run(INSERT, [1, 'One', 'one']);
      tx.afterCommit(() => void log.push(`first, count ${engine.stats.statements > 0}`));
      // A nested call joins the open transaction.
      await withTransaction(tx, async (inner) => {
        expect(inner).toBe(tx);
        inner.afterCommit(async () => void log.push('second'));
      });
      log.push('body done');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(log).toEqual(['body done', 'first, count true', 'second']);
    expect((await engine.get(COUNT))!.n).toBe(1);
  });

  it('rolls back on a throw and runs no effect', async () => {
    let ran = false;
    await expect(
      withTransaction(ctx, async (tx) => {
        await tx.db.run(INSERT, [2, 'Two', 'two']);
        tx.afterCommit(() => void (ran = true));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(ran).toBe(false);
    expect((await engine.get(COUNT))!.n).toBe(1);
  });

  it('runs every effect even when one fails, then reports the failure', async () => {
    let second = false;
    await expect(
      withTransaction(ctx, async (tx) => {
        tx.afterCommit(() => {
          throw new Error('cache down');
        });
        tx.afterCommit(() => void (second = true));
      }),
    ).rejects.toThrow('cache down');
    expect(second).toBe(true);
  });
});
