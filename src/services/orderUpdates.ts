/**
 * The order subscriptions: `orderUpdated(orderId, afterEventId)` and `myOrderUpdates(afterEventId)`.
 *
 * Each is authorized once when it starts (the policy's order rules; the transport re-checks the token before every
 * event). Then, in this order: it listens on the pub/sub topics, reads what to replay from the stored order events,
 * and hands out a stream that yields the replay first and the live changes after it. Listening before reading is
 * what closes the gap at the seam; skipping every change at or below the last event already delivered for that
 * order closes the duplicate (the same change arriving on the buyer's and the seller's topic, or one that committed
 * between listening and reading and so is in the replay too).
 *
 * Each payload is the order as of its event: status, `updatedAt` and `events` stop at that event, so subscribers
 * see every change once and in order even when several commit before one is delivered.
 */
import { createLoaders } from '../../loaders/index.js';
import { requireViewer } from '../auth/policy.js';
import type { Context } from '../context.js';
import * as data from '../data/orders.js';
import type { OrderRow } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { decodeEventId, decodeId } from '../ids.js';
import { topics } from '../pubsub/index.js';
import { assertOrderAccess, viewerSellerId } from './orders.js';

/** An order at one of its events. */
interface Position {
  orderId: number;
  eventId: number;
}

/** One order's changes after the subscription starts; with `afterEventId`, first the order as it is now, if it changed since. */
export async function orderUpdates(ctx: Context, orderId: string, afterEventId?: string | null): Promise<AsyncIterableIterator<OrderRow>> {
  const key = decodeId('Order', orderId, 'orderId');
  const after = decodeAfter(afterEventId);
  requireViewer(ctx.viewer);
  const order = await ctx.loaders.order.load(key);
  if (!order) throw new NotFoundError(`Order ${orderId} does not exist.`, 'orderId');
  await assertOrderAccess(ctx, order);
  return orderStream(ctx, [topics.order(key)], async () => {
    if (after === null) return [];
    const last = (await data.eventsAfter(ctx.db, key, after)).at(-1);
    return last ? [{ orderId: key, eventId: last.id }] : [];
  });
}

/**
 * Every change of the viewer's orders as buyer, and of the orders of the seller they run. With `afterEventId`,
 * first each of those orders that changed since, as it is now, in the order of its latest event.
 */
export async function myOrderUpdates(ctx: Context, afterEventId?: string | null): Promise<AsyncIterableIterator<OrderRow>> {
  const viewer = requireViewer(ctx.viewer);
  const after = decodeAfter(afterEventId);
  const sellerId = await viewerSellerId(ctx);
  const listen = [topics.buyer(viewer.id), ...(sellerId === null ? [] : [topics.seller(sellerId)])];
  return orderStream(ctx, listen, async () =>
    after === null
      ? []
      : (await data.changedOrdersAfter(ctx.db, after, viewer.id, sellerId)).map((r) => ({ orderId: r.orderId, eventId: r.lastEventId })),
  );
}

function decodeAfter(afterEventId: string | null | undefined): number | null {
  return afterEventId === undefined || afterEventId === null ? null : decodeEventId(afterEventId);
}

/**
 * Listens on `listen`, then reads `replay`, and returns an iterator over both. Not an async generator on purpose:
 * a generator waiting for the next change cannot be stopped until one arrives, so a client that leaves would keep
 * its listeners; `return()` here unsubscribes at once and ends a pending `next()`. One consumer at a time (graphql-js
 * and graphql-ws call `next()` only after the previous payload went out).
 */
async function orderStream(ctx: Context, listen: string[], replay: () => Promise<Position[]>): Promise<AsyncIterableIterator<OrderRow>> {
  const live: Position[] = [];
  let wake: (() => void) | undefined;
  let open = true;
  const unsubscribes = listen.map((topic) =>
    ctx.pubsub.subscribe(topic, (change) => {
      live.push({ orderId: change.orderId, eventId: change.eventId });
      wake?.();
    }),
  );
  const close = () => {
    if (!open) return;
    open = false;
    for (const unsubscribe of unsubscribes) unsubscribe();
    live.length = 0;
    wake?.();
  };

  let backlog: Position[];
  try {
    backlog = await replay();
  } catch (err) {
    close();
    throw err;
  }
  /** The last event delivered (or replayed) per order: a change at or below it is a duplicate. */
  const delivered = new Map<number, number>();
  const done = (): IteratorReturnResult<undefined> => ({ value: undefined, done: true });

  const iterator: AsyncIterableIterator<OrderRow> = {
    async next() {
      while (open) {
        const position = backlog.length > 0 ? backlog.shift() : live.shift();
        if (!position) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (position.eventId <= (delivered.get(position.orderId) ?? 0)) continue;
        delivered.set(position.orderId, position.eventId);
        const order = await orderAsOf(ctx, position);
        if (order && open) return { value: order, done: false };
      }
      return done();
    },
    async return() {
      close();
      return done();
    },
    async throw(err: unknown) {
      close();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}

/**
 * The order as it was at `eventId`, with fresh loaders for the payload's fields (a subscription lives long; cached
 * rows would go stale), and its `events` primed to end at that event.
 */
async function orderAsOf(ctx: Context, { orderId, eventId }: Position): Promise<OrderRow | null> {
  ctx.loaders = createLoaders(ctx.db);
  const [order, events] = await Promise.all([ctx.loaders.order.load(orderId), ctx.loaders.orderEvents.load(orderId)]);
  const upTo = events.filter((e) => e.id <= eventId);
  const last = upTo.at(-1);
  if (!order || !last) return null;
  ctx.loaders.orderEvents.clear(orderId).prime(orderId, upTo);
  return { ...order, status: last.status, updatedAt: last.at };
}
