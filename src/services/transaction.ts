/**
 * Writes: `withTransaction(ctx, fn)` runs `fn` in one database transaction with a context whose `db` is that
 * transaction (and whose loaders read through it). What a write must do besides writing (invalidate cached
 * responses, tell subscribers) is queued with `tx.afterCommit(effect)` and runs here, once, after the commit;
 * never when the transaction rolls back. A call inside an open transaction joins it.
 */
import { createLoaders } from '../../loaders/index.js';
import type { Context } from '../context.js';
import type { Engine } from '../db/engine.js';

export type Effect = () => void | Promise<void>;

export interface TransactionContext extends Context {
  /** Queues `effect` to run once the transaction has committed. */
  afterCommit(effect: Effect): void;
}

const isTransaction = (ctx: Context): ctx is TransactionContext => 'afterCommit' in ctx;

export async function withTransaction<T>(ctx: Context, fn: (tx: TransactionContext) => Promise<T>): Promise<T> {
  if (isTransaction(ctx)) return fn(ctx);
  const effects: Effect[] = [];
  const result = await (ctx.db as Engine).transaction((db) =>
    // Everything inside reads through the transaction: on SQLite a read on the engine itself would wait for the
    // transaction to end, and on PostgreSQL it would not see the transaction's own writes.
    fn({ ...ctx, db, loaders: createLoaders(db), afterCommit: (effect) => effects.push(effect) }),
  );
  // Every effect runs even if one fails (a cache that does not answer must not keep subscribers uninformed).
  let failure: unknown;
  for (const effect of effects) {
    try {
      await effect();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
  return result;
}
