/**
 * All SQL about orders. The write paths run inside one transaction each (the caller's): the idempotency key is
 * claimed first (`ON CONFLICT DO NOTHING`), stock is taken by a conditional UPDATE (`stock >= quantity`) in
 * ascending product order (so two orders never wait on each other's rows in opposite order), and the event id is
 * taken from the one-row counter as the very last step, so event ids grow in the order transactions commit.
 */
import { statement, type Dialect, type Queryable } from '../db/engine.js';
import { orderEvents, orderItems, orders, type OrderEventRow, type OrderItemRow, type OrderRow, type OrderStatus } from '../db/schema.js';
import type { PageRequest } from '../pagination.js';
import { countsByParent, countsOf, pagesOf, parentPages, type Ordering } from './keyset.js';
import { byIds, LIMIT_PARAM, memo, perDialect, selectList } from './sql.js';

export const ORDER_ORDER: Ordering = { columns: ['"created_at"', '"id"'], desc: true };

const ORDERS_BY_IDS = byIds<OrderRow>('orders.byIds', orders, '"id"');
const ITEMS_BY_ORDER_IDS = byIds<OrderItemRow>('orderItems.byOrderIds', orderItems, '"order_id"');
const EVENTS_BY_ORDER_IDS = byIds<OrderEventRow>('orderEvents.byOrderIds', orderEvents, '"order_id"', { orderBy: '"id"' });
const PAGES_BY_BUYER = parentPages<OrderRow>('orders.pages.buyerId', orders, '"buyer_id"', ORDER_ORDER);
const COUNTS_BY_BUYER = countsByParent('orders.countsByBuyer', orders, '"buyer_id"');

export const ordersByIds = (db: Queryable, ids: readonly number[]) => db.all(ORDERS_BY_IDS, [ids]);
export const itemsByOrderIds = (db: Queryable, ids: readonly number[]) => db.all(ITEMS_BY_ORDER_IDS, [ids]);
/** Oldest first. */
export const eventsByOrderIds = (db: Queryable, ids: readonly number[]) => db.all(EVENTS_BY_ORDER_IDS, [ids]);

export function orderPagesByBuyer(db: Queryable, buyerIds: readonly number[], page: PageRequest): Promise<Map<number, OrderRow[]>> {
  return pagesOf(db, PAGES_BY_BUYER, 'buyerId', buyerIds, page);
}

export const orderCountsByBuyer = (db: Queryable, buyerIds: readonly number[]) => countsOf(db, COUNTS_BY_BUYER, buyerIds);

// ---- Placing an order. ----

const CLAIM_KEY = statement<{ id: number }>(
  'orders.claimKey',
  `INSERT INTO "orders" ("buyer_id", "status", "total_paise", "idempotency_key", "request_hash", "created_at", "updated_at") ` +
    `VALUES (?, 'CREATED', 0, ?, ?, ?, ?) ON CONFLICT ("buyer_id", "idempotency_key") DO NOTHING RETURNING "id"`,
);
const ORDER_BY_KEY = statement<OrderRow>(
  'orders.byIdempotencyKey',
  `SELECT ${selectList(orders)} FROM "orders" WHERE "buyer_id" = ? AND "idempotency_key" = ?`,
);
const TAKE_STOCK = statement<{ pricePaise: number; sellerId: number; stock: number }>(
  'products.takeStock',
  `UPDATE "products" SET "stock" = "stock" - ?, "updated_at" = ? WHERE "id" = ? AND "stock" >= ? ` +
    `RETURNING "price_paise" AS "pricePaise", "seller_id" AS "sellerId", "stock"`,
);
const PRODUCT_STOCK = statement<{ stock: number }>('products.stock', `SELECT "stock" FROM "products" WHERE "id" = ?`);
const GIVE_STOCK_BACK = statement(
  'products.giveStockBack',
  `UPDATE "products" SET "stock" = "stock" + ?, "updated_at" = ? WHERE "id" = ?`,
);
const SET_TOTAL = statement<OrderRow>(
  'orders.setTotal',
  `UPDATE "orders" SET "total_paise" = ? WHERE "id" = ? RETURNING ${selectList(orders)}`,
);
/** One INSERT per line count (1 to 50 lines). */
const insertItems = memo((n: `${number}`) =>
  statement(
    `orderItems.insert.${n}`,
    `INSERT INTO "order_items" ("order_id", "product_id", "seller_id", "quantity", "unit_price_paise") VALUES ` +
      Array.from({ length: Number(n) }, () => '(?, ?, ?, ?, ?)').join(', '),
  ),
);

/**
 * Claims the buyer's idempotency key with an empty CREATED order: the new order's id, or undefined when the key
 * is already taken (by a committed order; on PostgreSQL a concurrent claim of the same key waits here for the
 * other transaction to end). Fill it in with `completeOrder` in the same transaction.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  order: { buyerId: number; idempotencyKey: string; requestHash: string; now: number },
): Promise<number | undefined> {
  const row = await db.get(CLAIM_KEY, [order.buyerId, order.idempotencyKey, order.requestHash, order.now, order.now]);
  return row?.id;
}

export function orderByIdempotencyKey(db: Queryable, buyerId: number, key: string): Promise<OrderRow | undefined> {
  return db.get(ORDER_BY_KEY, [buyerId, key]);
}

/** Takes `quantity` units if that many are there; the product's price and seller when it did, else undefined. */
export function takeStock(db: Queryable, productId: number, quantity: number, now: number) {
  return db.get(TAKE_STOCK, [quantity, now, productId, quantity]);
}

export function productStock(db: Queryable, productId: number): Promise<{ stock: number } | undefined> {
  return db.get(PRODUCT_STOCK, [productId]);
}

/** In ascending product order, like `takeStock`'s callers, so concurrent writers lock rows in one order. */
export async function giveStockBack(db: Queryable, items: readonly OrderItemRow[], now: number): Promise<void> {
  for (const item of [...items].sort((a, b) => a.productId - b.productId)) {
    await db.run(GIVE_STOCK_BACK, [item.quantity, now, item.productId]);
  }
}

/** Writes the claimed order's lines and total. */
export async function completeOrder(
  db: Queryable,
  orderId: number,
  items: readonly Omit<OrderItemRow, 'orderId'>[],
): Promise<OrderRow> {
  await db.run(
    insertItems(`${items.length}`),
    items.flatMap((i) => [orderId, i.productId, i.sellerId, i.quantity, i.unitPricePaise]),
  );
  const total = items.reduce((sum, i) => sum + i.unitPricePaise * i.quantity, 0);
  return (await db.get(SET_TOTAL, [total, orderId]))!;
}

// ---- Changing an order. ----

const MOVE_STATUS = statement(
  'orders.moveStatus',
  `UPDATE "orders" SET "status" = ?, "updated_at" = ? WHERE "id" = ? AND "status" = ?`,
);
/** Row-locks the counter (PostgreSQL) until commit; inserts it on first use (a fresh or reset database). */
const NEXT_EVENT_ID = statement<{ lastValue: number }>(
  'eventSequence.next',
  `INSERT INTO "event_sequence" ("id", "last_value") VALUES (1, 1) ` +
    `ON CONFLICT ("id") DO UPDATE SET "last_value" = "event_sequence"."last_value" + 1 RETURNING "last_value" AS "lastValue"`,
);
const INSERT_EVENT = statement(
  'orderEvents.insert',
  `INSERT INTO "order_events" ("id", "order_id", "status", "note", "at") VALUES (?, ?, ?, ?, ?)`,
);

/** Moves an order from `from` to `to` only if it is still at `from` (a concurrent move wins, this one fails). */
export async function moveStatus(db: Queryable, orderId: number, from: OrderStatus, to: OrderStatus, now: number): Promise<boolean> {
  return (await db.run(MOVE_STATUS, [to, now, orderId, from])) === 1;
}

/**
 * Records an order event under the next id of the counter. Call it last in the transaction: the counter stays
 * taken until commit, so ids are handed out in commit order.
 */
export async function appendEvent(db: Queryable, event: Omit<OrderEventRow, 'id'>): Promise<OrderEventRow> {
  const { lastValue: id } = (await db.get(NEXT_EVENT_ID))!;
  await db.run(INSERT_EVENT, [id, event.orderId, event.status, event.note, event.at]);
  return { id, ...event };
}

// ---- Resuming subscriptions. ----

const EVENTS_AFTER = statement<OrderEventRow>(
  'orderEvents.after',
  `SELECT ${selectList(orderEvents)} FROM "order_events" WHERE "order_id" = ? AND "id" > ? ORDER BY "id"`,
);
const changedAfter = (mine: string) =>
  `SELECT e."order_id" AS "orderId", max(e."id") AS "lastEventId" FROM "order_events" AS e ` +
  `JOIN "orders" AS o ON o."id" = e."order_id" WHERE e."id" > ? AND ${mine} GROUP BY e."order_id" ORDER BY max(e."id")`;
const CHANGED_FOR_BUYER = statement<{ orderId: number; lastEventId: number }>(
  'orders.changedAfter.buyer',
  changedAfter('o."buyer_id" = ?'),
);
const CHANGED_FOR_BUYER_OR_SELLER = statement<{ orderId: number; lastEventId: number }>(
  'orders.changedAfter.buyerOrSeller',
  changedAfter(
    '(o."buyer_id" = ? OR EXISTS (SELECT 1 FROM "order_items" AS i WHERE i."order_id" = o."id" AND i."seller_id" = ?))',
  ),
);

/** Events after `afterEventId` of one order, oldest first. */
export function eventsAfter(db: Queryable, orderId: number, afterEventId: number): Promise<OrderEventRow[]> {
  return db.all(EVENTS_AFTER, [orderId, afterEventId]);
}

/**
 * The orders of a buyer, or with items of a seller, that changed after `afterEventId`, each with the id of its
 * latest event, in the order of that event.
 */
export function changedOrdersAfter(db: Queryable, afterEventId: number, buyerId: number, sellerId: number | null) {
  return sellerId === null
    ? db.all(CHANGED_FOR_BUYER, [afterEventId, buyerId])
    : db.all(CHANGED_FOR_BUYER_OR_SELLER, [afterEventId, buyerId, sellerId]);
}

/** A committed order event with what routing and authorization need: the order's buyer and its sellers. */
export interface CommittedEvent extends OrderEventRow {
  buyerId: number;
  sellerIds: number[];
}

const sellersOf = {
  sqlite: `(SELECT group_concat(DISTINCT i."seller_id") FROM "order_items" AS i WHERE i."order_id" = e."order_id")`,
  postgres: `(SELECT string_agg(DISTINCT i."seller_id"::text, ',') FROM "order_items" AS i WHERE i."order_id" = e."order_id")`,
};
const committedAfter = (d: Dialect) =>
  `SELECT ${selectList(orderEvents, 'e')}, o."buyer_id" AS "buyerId", ${sellersOf[d]} AS "sellerIds" ` +
  `FROM "order_events" AS e JOIN "orders" AS o ON o."id" = e."order_id" WHERE e."id" > ? ORDER BY e."id" ${LIMIT_PARAM[d]}`;
const COMMITTED_AFTER = statement<CommittedEvent>(
  'orderEvents.committedAfter',
  perDialect(committedAfter),
  (raw) => ({ ...(raw as unknown as CommittedEvent), sellerIds: raw.sellerIds ? String(raw.sellerIds).split(',').map(Number) : [] }),
);
const LAST_EVENT_ID = statement<{ id: number | null }>('orderEvents.lastId', `SELECT max("id") AS "id" FROM "order_events"`);

/**
 * Every order's events after `afterEventId`, oldest first, at most `limit`: one statement, whoever is listening
 * (the subscriptions' change feed reads each change once for all of them).
 */
export function committedEventsAfter(db: Queryable, afterEventId: number, limit: number): Promise<CommittedEvent[]> {
  return db.all(COMMITTED_AFTER, [afterEventId, limit]);
}

/** The id of the latest order event, 0 when there is none: where a change feed starts. */
export async function lastEventId(db: Queryable): Promise<number> {
  return Number((await db.get(LAST_EVENT_ID))?.id ?? 0);
}
