/**
 * All SQL about orders. The write paths run inside one transaction each (the caller's `tx`): stock is taken by a
 * conditional UPDATE (`stock >= quantity`), so no interleaving, in this process or another, can oversell.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import {
  orderEvents,
  orderItems,
  orders,
  products,
  type OrderEventRow,
  type OrderItemRow,
  type OrderRow,
  type OrderStatus,
} from '../db/schema.js';
import type { PageRequest } from '../pagination.js';
import { rowsByIds } from './byIds.js';
import { countsByParent, windowedPage, type Ordering } from './keyset.js';

export const ORDER_ORDER: Ordering = { columns: [orders.createdAt, orders.id], desc: true };

export const ordersByIds = rowsByIds<OrderRow>(orders, orders.id);
export const itemsByOrderIds = rowsByIds<OrderItemRow>(orderItems, orderItems.orderId);
/** Oldest first. */
export const eventsByOrderIds = rowsByIds<OrderEventRow>(orderEvents, orderEvents.orderId, orderEvents.id);

export function orderPagesByBuyer(db: Db, buyerIds: readonly number[], page: PageRequest): Map<number, OrderRow[]> {
  return windowedPage<OrderRow>(db, orders, orders.buyerId, buyerIds, ORDER_ORDER, page);
}

export function orderCountsByBuyer(db: Db, buyerIds: readonly number[]): Map<number, number> {
  return countsByParent(db, orders, orders.buyerId, buyerIds);
}

export function orderByIdempotencyKey(db: Db, buyerId: number, key: string): OrderRow | undefined {
  return db
    .select()
    .from(orders)
    .where(and(eq(orders.buyerId, buyerId), eq(orders.idempotencyKey, key)))
    .get();
}

/** Takes `quantity` units if that many are there; the product's price and seller when it did, else undefined. */
export function takeStock(db: Db, productId: number, quantity: number, now: number) {
  return db
    .update(products)
    .set({ stock: sql`${products.stock} - ${quantity}`, updatedAt: now })
    .where(and(eq(products.id, productId), sql`${products.stock} >= ${quantity}`))
    .returning({ pricePaise: products.pricePaise, sellerId: products.sellerId, stock: products.stock })
    .get();
}

export function productStock(db: Db, productId: number): { stock: number }[] {
  return db.select({ stock: products.stock }).from(products).where(eq(products.id, productId)).all();
}

export function giveStockBack(db: Db, items: readonly OrderItemRow[], now: number): void {
  for (const item of items) {
    db.update(products)
      .set({ stock: sql`${products.stock} + ${item.quantity}`, updatedAt: now })
      .where(eq(products.id, item.productId))
      .run();
  }
}

export function insertOrder(db: Db, order: Omit<OrderRow, 'id'>, items: Omit<OrderItemRow, 'orderId'>[]): OrderRow {
  const row = db.insert(orders).values(order).returning().get();
  db.insert(orderItems)
    .values(items.map((item) => ({ ...item, orderId: row.id })))
    .run();
  return row;
}

/** Moves an order from `from` to `to` only if it is still at `from` (a concurrent move wins, this one fails). */
export function moveStatus(db: Db, orderId: number, from: OrderStatus, to: OrderStatus, now: number): boolean {
  const result = db
    .update(orders)
    .set({ status: to, updatedAt: now })
    .where(and(eq(orders.id, orderId), eq(orders.status, from)))
    .run();
  return result.changes === 1;
}

export function insertEvent(db: Db, event: Omit<OrderEventRow, 'id'>): OrderEventRow {
  return db.insert(orderEvents).values(event).returning().get();
}

export function sellerIdsOfOrder(db: Db, orderId: number): number[] {
  return db
    .selectDistinct({ sellerId: orderItems.sellerId })
    .from(orderItems)
    .where(eq(orderItems.orderId, orderId))
    .all()
    .map((r) => r.sellerId);
}

/** Events after `afterEventId` of one order, oldest first. */
export function eventsAfter(db: Db, orderId: number, afterEventId: number): OrderEventRow[] {
  return db
    .select()
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), gt(orderEvents.id, afterEventId)))
    .orderBy(asc(orderEvents.id))
    .all();
}

/**
 * The orders of a buyer, or with items of a seller, that changed after `afterEventId`, each with the id of its
 * latest event, in the order of that event.
 */
export function changedOrdersAfter(db: Db, afterEventId: number, buyerId: number, sellerId: number | null) {
  const mine = sellerId === null
    ? eq(orders.buyerId, buyerId)
    : sql`(${orders.buyerId} = ${buyerId} or exists (select 1 from ${orderItems} where ${orderItems.orderId} = ${orders.id} and ${orderItems.sellerId} = ${sellerId}))`;
  return db
    .select({ orderId: orderEvents.orderId, lastEventId: sql<number>`max(${orderEvents.id})` })
    .from(orderEvents)
    .innerJoin(orders, eq(orders.id, orderEvents.orderId))
    .where(and(gt(orderEvents.id, afterEventId), mine))
    .groupBy(orderEvents.orderId)
    .orderBy(asc(sql`max(${orderEvents.id})`))
    .all();
}
