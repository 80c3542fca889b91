/**
 * The order subscriptions: `orderUpdated(orderId, afterEventId)` and `myOrderUpdates(afterEventId)`.
 *
 * Starting one is authorized here (the policy's order rules) and answers a `OrderFeedSource`: which changes the
 * subscriber follows (one order, or the orders of a buyer and of the seller they run), who it is, and what to replay
 * first when it resumes. The subscription hub (src/subscriptions/hub.ts) serves every source from the one change
 * feed of the instance: it reads each change once, executes each distinct operation once per change and viewer,
 * and checks `mayReceive` for every subscriber and every change.
 *
 * Each payload is the order as of its event (`orderAsOf`): status, `updatedAt` and `events` stop at that event,
 * so subscribers see every change once and in order even when several commit before one is delivered.
 */
import type { Loaders } from '../../loaders/index.js';
import { canSeeOrder, requireViewer } from '../auth/policy.js';
import type { Context, Viewer } from '../context.js';
import * as data from '../data/orders.js';
import type { OrderEventRow, OrderRow } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { decodeEventId, decodeId } from '../ids.js';
import { assertOrderAccess, viewerSellerId } from './orders.js';

/** An order at one of its events. */
export interface Position {
  orderId: number;
  eventId: number;
}

/** Which changes a subscription follows. */
export type Route = { orderId: number } | { buyerId: number; sellerId: number | null };

/**
 * What a started order subscription is. graphql-js asks a subscription field for an async iterable, so it is one,
 * but nothing iterates it: the hub reads its fields and serves it from the change feed.
 */
export class OrderFeedSource implements AsyncIterable<never> {
  constructor(
    readonly route: Route,
    readonly viewer: Viewer,
    /** The seller the viewer runs, if any (checked against each change's sellers). */
    readonly sellerId: number | null,
    /** The orders that changed after `afterEventId`, each at its latest event, oldest first; null when not resuming. */
    readonly replay: (() => Promise<Position[]>) | null,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<never> {
    return { next: async () => ({ value: undefined as never, done: true }) };
  }
}

/** One order's changes after the subscription starts; with `afterEventId`, first the order as it is now, if it changed since. */
export async function orderUpdates(ctx: Context, orderId: string, afterEventId?: string | null): Promise<OrderFeedSource> {
  const key = decodeId('Order', orderId, 'orderId');
  const after = decodeAfter(afterEventId);
  const viewer = requireViewer(ctx.viewer);
  const order = await ctx.loaders.order.load(key);
  if (!order) throw new NotFoundError(`Order ${orderId} does not exist.`, 'orderId');
  await assertOrderAccess(ctx, order);
  const { db } = ctx; // the replay outlives the start's context: keep only the database, not its loaders
  const replay = async (): Promise<Position[]> => {
    const last = (await data.eventsAfter(db, key, after!)).at(-1);
    return last ? [{ orderId: key, eventId: last.id }] : [];
  };
  return new OrderFeedSource({ orderId: key }, viewer, await viewerSellerId(ctx), after === null ? null : replay);
}

/**
 * Every change of the viewer's orders as buyer, and of the orders of the seller they run. With `afterEventId`,
 * first each of those orders that changed since, as it is now, in the order of its latest event.
 */
export async function myOrderUpdates(ctx: Context, afterEventId?: string | null): Promise<OrderFeedSource> {
  const viewer = requireViewer(ctx.viewer);
  const after = decodeAfter(afterEventId);
  const sellerId = await viewerSellerId(ctx);
  const { db } = ctx;
  const replay = async (): Promise<Position[]> =>
    (await data.changedOrdersAfter(db, after!, viewer.id, sellerId)).map((r) => ({ orderId: r.orderId, eventId: r.lastEventId }));
  return new OrderFeedSource({ buyerId: viewer.id, sellerId }, viewer, sellerId, after === null ? null : replay);
}

/** Whether a subscriber may receive a change: checked for every subscriber and every change, before anything is sent. */
export function mayReceive(source: OrderFeedSource, change: data.CommittedEvent): boolean {
  const { route } = source;
  if ('orderId' in route) {
    return route.orderId === change.orderId && canSeeOrder(source.viewer, change, change.sellerIds, source.sellerId);
  }
  return change.buyerId === route.buyerId || (route.sellerId !== null && change.sellerIds.includes(route.sellerId));
}

function decodeAfter(afterEventId: string | null | undefined): number | null {
  return afterEventId === undefined || afterEventId === null ? null : decodeEventId(afterEventId);
}

/** An order as it was at one of its events: the row with that event's status and time, and its events up to it. */
export interface OrderAsOf {
  order: OrderRow;
  events: OrderEventRow[];
}

/**
 * Reads the order as of `eventId` through `loaders` (two statements, batched with other orders read at once).
 * Those rows never change once committed, so callers may keep the answer (the hub memoizes it per event).
 */
export async function orderAsOf(loaders: Loaders, { orderId, eventId }: Position): Promise<OrderAsOf | null> {
  const [order, events] = await Promise.all([loaders.order.load(orderId), loaders.orderEvents.load(orderId)]);
  const upTo = events.filter((e) => e.id <= eventId);
  const last = upTo.at(-1);
  if (!order || !last) return null;
  return { order: { ...order, status: last.status, updatedAt: last.at }, events: upTo };
}
