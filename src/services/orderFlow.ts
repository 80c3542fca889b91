/**
 * Changing orders. Each change is one transaction (`withTransaction`) that also writes its OrderEvent; the change
 * is published, and cached responses invalidated, only after that transaction commits, so subscribers never see
 * what was rolled back.
 */
import { createHash } from 'node:crypto';
import { requireViewer } from '../auth/policy.js';
import { ALL_PRODUCTS, entityTag, listTag } from '../cache/tags.js';
import type { Context } from '../context.js';
import * as data from '../data/orders.js';
import type { Queryable } from '../db/engine.js';
import { ORDER_STATUSES, type OrderItemRow, type OrderRow, type OrderStatus } from '../db/schema.js';
import { ApiError, BadUserInputError, ConflictError, ErrorCode, ForbiddenError, NotFoundError } from '../errors.js';
import { decodeId, encodeId } from '../ids.js';
import { money } from '../money.js';
import { publishOrderChange } from '../pubsub/index.js';
import { assertOrderAccess, orderSellerIds, viewerSellerId } from './orders.js';
import { withTransaction } from './transaction.js';

export interface PlaceOrderInput {
  items: { productId: string; quantity: number }[];
  idempotencyKey: string;
}

const MAX_LINES = 50;
const MAX_QUANTITY = 10;
const MAX_NOTE = 500;
/** The largest amount Money can carry: GraphQL's Int is 32-bit. */
export const MAX_ORDER_TOTAL_PAISE = 2 ** 31 - 1;

export async function placeOrder(ctx: Context, input: PlaceOrderInput): Promise<OrderRow> {
  const viewer = requireViewer(ctx.viewer);
  const lines = validateLines(input);
  const key = input.idempotencyKey;
  if (key.length < 1 || key.length > 100) {
    throw new BadUserInputError('"idempotencyKey" must be 1 to 100 characters.', 'idempotencyKey');
  }
  const requestHash = createHash('sha256').update(JSON.stringify(lines)).digest('base64url');
  const now = ctx.clock();

  return withTransaction(ctx, async (tx) => {
    // The key first: a retry (or a concurrent duplicate, which waits here for the first to end) finds the order.
    const orderId = await data.claimIdempotencyKey(tx.db, { buyerId: viewer.id, idempotencyKey: key, requestHash, now });
    if (orderId === undefined) {
      const existing = (await data.orderByIdempotencyKey(tx.db, viewer.id, key))!;
      if (existing.requestHash !== requestHash) {
        throw new ConflictError('This idempotencyKey was used for a different order.', 'idempotencyKey');
      }
      return existing;
    }
    // Stock in ascending product order: concurrent orders lock rows in one order and never deadlock.
    let soldOut = false;
    const items: Omit<OrderItemRow, 'orderId'>[] = [];
    for (const { productId, quantity } of [...lines].sort((a, b) => a.productId - b.productId)) {
      const taken = await data.takeStock(tx.db, productId, quantity, now);
      if (!taken) throw await missingOrOutOfStock(tx.db, productId);
      if (taken.stock === 0) soldOut = true;
      items.push({ productId, quantity, sellerId: taken.sellerId, unitPricePaise: taken.pricePaise });
    }
    // Money.amount is a GraphQL Int (32 bits): a total (and so any line) above it could never be shown. Refused
    // here, before the order is written, so the stock taken above and the claimed key roll back with it.
    if (items.reduce((sum, i) => sum + i.unitPricePaise * i.quantity, 0) > MAX_ORDER_TOTAL_PAISE) {
      throw new BadUserInputError(`An order may total at most ${money(MAX_ORDER_TOTAL_PAISE).formatted}.`, 'items');
    }
    const order = await data.completeOrder(tx.db, orderId, items);
    const event = await data.appendEvent(tx.db, { orderId, status: 'CREATED', note: null, at: now });
    tx.afterCommit(() => {
      ctx.cache.invalidate(
        entityTag('Order', orderId), // an `order(id:)` asked before it existed was cached as null
        ...lines.map((l) => entityTag('Product', l.productId)),
        listTag('User', viewer.id, 'orders'),
        ...(soldOut ? [ALL_PRODUCTS] : []),
      );
      publishOrderChange(ctx.pubsub, {
        orderId,
        eventId: event.id,
        status: 'CREATED',
        buyerId: viewer.id,
        sellerIds: [...new Set(items.map((i) => i.sellerId))],
      });
    });
    return order;
  });
}

function validateLines(input: PlaceOrderInput): { productId: number; quantity: number }[] {
  if (input.items.length < 1 || input.items.length > MAX_LINES) {
    throw new BadUserInputError(`An order has 1 to ${MAX_LINES} lines.`, 'items');
  }
  const seen = new Set<number>();
  return input.items.map((line, i) => {
    const productId = decodeId('Product', line.productId, `items.${i}.productId`);
    if (seen.has(productId)) throw new BadUserInputError('Each product may appear on one line only.', `items.${i}.productId`);
    seen.add(productId);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      throw new BadUserInputError(`"quantity" must be 1 to ${MAX_QUANTITY}.`, `items.${i}.quantity`);
    }
    return { productId, quantity: line.quantity };
  });
}

async function missingOrOutOfStock(db: Queryable, productId: number): Promise<ApiError> {
  const id = encodeId('Product', productId);
  const exists = await data.productStock(db, productId);
  if (!exists) return new NotFoundError(`Product ${id} does not exist.`, 'items');
  return new ApiError(ErrorCode.OUT_OF_STOCK, `Product ${id} has only ${exists.stock} left.`, {
    productId: id,
    available: exists.stock,
  });
}

const rank = (s: OrderStatus) => ORDER_STATUSES.indexOf(s);

/** The contract's status machine: forward only (skipping allowed), or CANCELLED before SHIPPED. */
export function checkTransition(from: OrderStatus, to: OrderStatus): void {
  if (from === 'DELIVERED' || from === 'CANCELLED') {
    throw new BadUserInputError(`A ${from} order cannot change any more.`, 'status');
  }
  if (to === 'CANCELLED') {
    if (rank(from) >= rank('SHIPPED')) throw new BadUserInputError(`A ${from} order can no longer be cancelled.`, 'status');
    return;
  }
  if (rank(to) <= rank(from)) throw new BadUserInputError(`An order moves forward only: not from ${from} to ${to}.`, 'status');
}

export async function updateOrderStatus(ctx: Context, id: string, status: OrderStatus, note?: string | null) {
  const order = await loadForChange(ctx, id);
  await assertOrderAccess(ctx, order);
  if (ctx.viewer!.id === order.buyerId && ctx.viewer!.role !== 'ADMIN' && !(await isSellerOf(ctx, order))) {
    throw new ForbiddenError('Only a seller of this order or an admin can move it on.');
  }
  return changeStatus(ctx, order, status, note ?? null);
}

export async function cancelOrder(ctx: Context, id: string): Promise<OrderRow> {
  const order = await loadForChange(ctx, id);
  if (order.buyerId !== ctx.viewer!.id) throw new ForbiddenError('Only the buyer can cancel this order.');
  return changeStatus(ctx, order, 'CANCELLED', 'Cancelled by the buyer');
}

async function loadForChange(ctx: Context, id: string): Promise<OrderRow> {
  requireViewer(ctx.viewer); // authentication before input: anonymous is 401 whatever the ID
  const key = decodeId('Order', id);
  const order = await ctx.loaders.order.load(key);
  if (!order) throw new NotFoundError(`Order ${id} does not exist.`, 'id');
  return order;
}

async function isSellerOf(ctx: Context, order: OrderRow): Promise<boolean> {
  const mine = await viewerSellerId(ctx);
  return mine !== null && (await orderSellerIds(ctx, order.id)).includes(mine);
}

async function changeStatus(ctx: Context, order: OrderRow, to: OrderStatus, note: string | null): Promise<OrderRow> {
  if (note !== null && note.length > MAX_NOTE) throw new BadUserInputError(`"note" must be at most ${MAX_NOTE} characters.`, 'note');
  const now = ctx.clock();
  return withTransaction(ctx, async (tx) => {
    // Re-read inside the transaction: the status may have moved since the loader read it.
    const [current] = await data.ordersByIds(tx.db, [order.id]);
    checkTransition(current!.status, to);
    if (!(await data.moveStatus(tx.db, order.id, current!.status, to, now))) throw new ConflictError('The order changed meanwhile; try again.');
    const items = await data.itemsByOrderIds(tx.db, [order.id]);
    if (to === 'CANCELLED') await data.giveStockBack(tx.db, items, now);
    const event = await data.appendEvent(tx.db, { orderId: order.id, status: to, note, at: now });
    const changed: OrderRow = { ...current!, status: to, updatedAt: now };
    tx.afterCommit(() => {
      ctx.loaders.order.clear(order.id).prime(order.id, changed);
      ctx.loaders.orderEvents.clear(order.id);
      ctx.cache.invalidate(
        entityTag('Order', order.id),
        listTag('User', order.buyerId, 'orders'),
        ...(to === 'CANCELLED' ? [ALL_PRODUCTS, ...items.map((i) => entityTag('Product', i.productId))] : []),
      );
      publishOrderChange(ctx.pubsub, {
        orderId: order.id,
        eventId: event.id,
        status: to,
        buyerId: order.buyerId,
        sellerIds: [...new Set(items.map((i) => i.sellerId))],
      });
    });
    return changed;
  });
}
