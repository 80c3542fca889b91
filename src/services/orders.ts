/** Reading orders, with the policy's access rules: buyer, a seller of its items, or an admin. */
import { requireOrderAccess, requireOwnOrAdmin, requireViewer } from '../auth/policy.js';
import { listTag } from '../cache/tags.js';
import type { Context } from '../context.js';
import type { OrderRow, UserRow } from '../db/schema.js';
import { decodeId } from '../ids.js';
import { pageRequest, toConnection, type Connection } from '../pagination.js';

/** The seller the viewer runs, if they are a SELLER. */
export async function viewerSellerId(ctx: Context): Promise<number | null> {
  if (ctx.viewer?.role !== 'SELLER') return null;
  return (await ctx.loaders.sellerByOwner.load(ctx.viewer.id))?.id ?? null;
}

export async function orderSellerIds(ctx: Context, orderId: number): Promise<number[]> {
  return [...new Set((await ctx.loaders.orderItems.load(orderId)).map((i) => i.sellerId))];
}

/** Throws UNAUTHENTICATED or FORBIDDEN unless the viewer may see this order. */
export async function assertOrderAccess(ctx: Context, order: OrderRow): Promise<void> {
  requireOrderAccess(ctx.viewer, order, await orderSellerIds(ctx, order.id), await viewerSellerId(ctx));
}

export async function getOrder(ctx: Context, id: string): Promise<OrderRow | null> {
  requireViewer(ctx.viewer); // authentication before input: anonymous is 401 whatever the ID
  const key = decodeId('Order', id);
  const order = await ctx.loaders.order.load(key);
  if (order) await assertOrderAccess(ctx, order);
  return order;
}

export async function userOrders(
  ctx: Context,
  user: UserRow,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<OrderRow>> {
  requireOwnOrAdmin(ctx.viewer, user.id);
  const list = `user:${user.id}:orders`;
  const page = pageRequest(args, 10, list, 'NEWEST', 2);
  const rows = await ctx.loaders.orderPage(page).load(user.id);
  ctx.cache.tag(listTag('User', user.id, 'orders'));
  return toConnection(rows, page, list, 'NEWEST', (o) => [o.createdAt, o.id], () =>
    ctx.loaders.orderCountByBuyer.load(user.id),
  );
}
