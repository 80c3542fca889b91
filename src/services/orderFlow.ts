/**
 * Changing orders. Each change is one transaction that also writes its OrderEvent; the change is published only
 * after that transaction commits, so subscribers never see what was rolled back.
 */
import { createHash } from 'node:crypto';
import { requireViewer } from '../auth/policy.js';
import { ALL_PRODUCTS, entityTag, listTag } from '../cache/tags.js';
import type { Context } from '../context.js';
import * as data from '../data/orders.js';
import { ORDER_STATUSES, type OrderRow, type OrderStatus } from '../db/schema.js';
import { ApiError, BadUserInputError, ConflictError, ErrorCode, ForbiddenError, NotFoundError } from '../errors.js';
import { decodeId, encodeId } from '../ids.js';
import { publishOrderChange } from '../pubsub/index.js';
import { assertOrderAccess, orderSellerIds, viewerSellerId } from './orders.js';

export interface PlaceOrderInput {
  items: { productId: string; quantity: number }[];
  idempotencyKey: string;
}

const MAX_LINES = 50;
const MAX_QUANTITY = 10;
const MAX_NOTE = 500;

export async function placeOrder(ctx: Context, input: PlaceOrderInput): Promise<OrderRow> {
  const viewer = requireViewer(ctx.viewer);
  const lines = validateLines(input);
  const key = input.idempotencyKey;
  if (key.length < 1 || key.length > 100) {
    throw new BadUserInputError('"idempotencyKey" must be 1 to 100 characters.', 'idempotencyKey');
  }
  const requestHash = createHash('sha256').update(JSON.stringify(lines)).digest('base64url');
  const now = ctx.clock();
  let soldOut = false;

  const placed = ctx.db.transaction(
    (tx) => {
      const existing = data.orderByIdempotencyKey(tx, viewer.id, key);
      if (existing) {
        if (existing.requestHash !== requestHash) {
          throw new ConflictError('This idempotencyKey was used for a different order.', 'idempotencyKey');
        }
        return { order: existing, created: false };
      }
      const items = lines.map(({ productId, quantity }) => {
        const taken = data.takeStock(tx, productId, quantity, now);
        if (!taken) throw missingOrOutOfStock(tx, productId);
        if (taken.stock === 0) soldOut = true;
        return { productId, quantity, sellerId: taken.sellerId, unitPricePaise: taken.pricePaise };
      });
      const totalPaise = items.reduce((sum, i) => sum + i.unitPricePaise * i.quantity, 0);
      const order = data.insertOrder(
        tx,
        { buyerId: viewer.id, status: 'CREATED', totalPaise, idempotencyKey: key, requestHash, createdAt: now, updatedAt: now },
        items,
      );
      const event = data.insertEvent(tx, { orderId: order.id, status: 'CREATED', note: null, at: now });
      return { order, created: true, eventId: event.id, sellerIds: [...new Set(items.map((i) => i.sellerId))] };
    },
    { behavior: 'immediate' },
  );
  if (placed.created) {
    ctx.cache.invalidate(
      ...lines.map((l) => entityTag('Product', l.productId)),
      listTag('User', viewer.id, 'orders'),
      ...(soldOut ? [ALL_PRODUCTS] : []),
    );
    publishOrderChange(ctx.pubsub, {
      orderId: placed.order.id,
      eventId: placed.eventId!,
      status: 'CREATED',
      buyerId: viewer.id,
      sellerIds: placed.sellerIds!,
    });
  }
  return placed.order;
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

function missingOrOutOfStock(tx: Context['db'], productId: number): ApiError {
  const id = encodeId('Product', productId);
  const [exists] = data.productStock(tx, productId);
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
  const key = decodeId('Order', id);
  requireViewer(ctx.viewer);
  const order = await ctx.loaders.order.load(key);
  if (!order) throw new NotFoundError(`Order ${id} does not exist.`, 'id');
  return order;
}

async function isSellerOf(ctx: Context, order: OrderRow): Promise<boolean> {
  const mine = await viewerSellerId(ctx);
  return mine !== null && (await orderSellerIds(ctx, order.id)).includes(mine);
}

function changeStatus(ctx: Context, order: OrderRow, to: OrderStatus, note: string | null): OrderRow {
  if (note !== null && note.length > MAX_NOTE) throw new BadUserInputError(`"note" must be at most ${MAX_NOTE} characters.`, 'note');
  const now = ctx.clock();
  const changed = ctx.db.transaction(
    (tx) => {
      // Re-read inside the transaction: the status may have moved since the loader read it.
      const [current] = data.ordersByIds(tx, [order.id]);
      checkTransition(current!.status, to);
      if (!data.moveStatus(tx, order.id, current!.status, to, now)) throw new ConflictError('The order changed meanwhile; try again.');
      const items = data.itemsByOrderIds(tx, [order.id]);
      if (to === 'CANCELLED') data.giveStockBack(tx, items, now);
      return {
        order: { ...current!, status: to, updatedAt: now },
        eventId: data.insertEvent(tx, { orderId: order.id, status: to, note, at: now }).id,
        sellerIds: [...new Set(items.map((i) => i.sellerId))],
        productIds: items.map((i) => i.productId),
      };
    },
    { behavior: 'immediate' },
  );
  ctx.loaders.order.clear(order.id).prime(order.id, changed.order);
  ctx.cache.invalidate(
    entityTag('Order', order.id),
    listTag('User', order.buyerId, 'orders'),
    ...(to === 'CANCELLED' ? [ALL_PRODUCTS, ...changed.productIds.map((id) => entityTag('Product', id))] : []),
  );
  ctx.loaders.orderEvents.clear(order.id);
  publishOrderChange(ctx.pubsub, {
    orderId: order.id,
    eventId: changed.eventId,
    status: to,
    buyerId: order.buyerId,
    sellerIds: changed.sellerIds,
  });
  return changed.order;
}
