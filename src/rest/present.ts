/**
 * Rows → REST resources: GraphQL's field names, IDs and Money, relations as `…Id` plus HAL `_links`. The scalar
 * rules (Money, discount, rating rounding, private email) are the ones the GraphQL resolvers use, imported, not
 * restated; relations are read through the request's DataLoaders, as the resolvers read them.
 */
import { averageRating, round2 } from '../../resolvers/product.js';
import { canSeeEmail } from '../auth/policy.js';
import type { Context } from '../context.js';
import type { CategoryRow, OrderRow, ProductRow, ReviewRow, SellerRow, UserRow } from '../db/schema.js';
import { encodeEventId, encodeId } from '../ids.js';
import { discountPercent, money } from '../money.js';
import { isoTimestamp } from '../timestamps.js';
import type { Connection } from '../pagination.js';
import { checkTransition } from '../services/orderFlow.js';

export const BASE = '/api/v1';
const link = (path: string) => ({ href: `${BASE}${path}` });

export function product(p: ProductRow) {
  const id = encodeId('Product', p.id);
  const sellerId = encodeId('Seller', p.sellerId);
  const categoryId = encodeId('Category', p.categoryId);
  return {
    id,
    title: p.title,
    description: p.description,
    brand: p.brand,
    images: p.images,
    categoryId,
    sellerId,
    price: money(p.pricePaise),
    mrp: money(p.mrpPaise),
    discountPercent: discountPercent(p.pricePaise, p.mrpPaise),
    stock: p.stock,
    inStock: p.stock > 0,
    averageRating: averageRating(p),
    rating: averageRating(p), // deprecated for averageRating (CHANGELOG.md)
    reviewCount: p.reviewCount,
    createdAt: isoTimestamp(p.createdAt),
    _links: {
      self: link(`/products/${id}`),
      seller: link(`/sellers/${sellerId}`),
      category: link(`/categories/${categoryId}`),
      reviews: link(`/products/${id}/reviews`),
    },
  };
}

export async function seller(ctx: Context, s: SellerRow) {
  const id = encodeId('Seller', s.id);
  const rating = await ctx.loaders.sellerRating.load(s.id);
  const average = rating === null ? null : round2(rating);
  return {
    id,
    name: s.name,
    city: s.city,
    averageRating: average,
    rating: average, // deprecated for averageRating (CHANGELOG.md)
    joinedAt: isoTimestamp(s.joinedAt),
    // The catalog filtered by seller: /sellers/{id}/products is deprecated for it (CHANGELOG.md).
    _links: { self: link(`/sellers/${id}`), products: link(`/products?sellerId=${id}`) },
  };
}

export function review(r: ReviewRow) {
  const id = encodeId('Review', r.id);
  const authorId = encodeId('User', r.authorId);
  const productId = encodeId('Product', r.productId);
  return {
    id,
    rating: r.rating,
    title: r.title,
    body: r.body,
    authorId,
    productId,
    createdAt: isoTimestamp(r.createdAt),
    _links: { self: link(`/reviews/${id}`), author: link(`/users/${authorId}`), product: link(`/products/${productId}`) },
  };
}

export async function user(ctx: Context, u: UserRow) {
  const id = encodeId('User', u.id);
  const runs = u.role === 'SELLER' ? await ctx.loaders.sellerByOwner.load(u.id) : null;
  const sellerId = runs ? encodeId('Seller', runs.id) : null;
  return {
    id,
    name: u.name,
    role: u.role,
    email: canSeeEmail(ctx.viewer, u) ? u.email : null,
    sellerId,
    _links: { self: link(`/users/${id}`), ...(sellerId && { seller: link(`/sellers/${sellerId}`) }) },
  };
}

export function category(c: CategoryRow) {
  const id = encodeId('Category', c.id);
  return {
    id,
    name: c.name,
    slug: c.slug,
    _links: { self: link(`/categories/${id}`), products: link(`/products?categoryId=${id}`) },
  };
}

export async function order(ctx: Context, o: OrderRow) {
  const id = encodeId('Order', o.id);
  const buyerId = encodeId('User', o.buyerId);
  const [items, events] = await Promise.all([ctx.loaders.orderItems.load(o.id), ctx.loaders.orderEvents.load(o.id)]);
  return {
    id,
    status: o.status,
    buyerId,
    items: items.map((i) => {
      const productId = encodeId('Product', i.productId);
      return {
        productId,
        quantity: i.quantity,
        unitPrice: money(i.unitPricePaise),
        lineTotal: money(i.unitPricePaise * i.quantity),
        _links: { product: link(`/products/${productId}`) },
      };
    }),
    total: money(o.totalPaise),
    events: events.map((e) => ({ id: encodeEventId(e.id), status: e.status, at: isoTimestamp(e.at), note: e.note })),
    createdAt: isoTimestamp(o.createdAt),
    updatedAt: isoTimestamp(o.updatedAt),
    _links: {
      self: link(`/orders/${id}`),
      buyer: link(`/users/${buyerId}`),
      // The action, offered only to whom it would work for: the buyer, while the order can still be cancelled.
      ...(ctx.viewer?.id === o.buyerId && cancellable(o) && { cancel: link(`/orders/${id}/cancel`) }),
    },
  };
}

function cancellable(o: OrderRow): boolean {
  try {
    checkTransition(o.status, 'CANCELLED');
    return true;
  } catch {
    return false;
  }
}

/**
 * A page: `{ data, pageInfo, _links }`. `self` is the request's own path and query; `next` is the same with
 * `after` set to this page's end cursor, present only when there is a next page and a cursor to reach it (a
 * `limit=0` page has no end cursor: a `next` equal to `self` would send a client round in circles).
 */
export async function page<T, R>(
  conn: Connection<T>,
  present: (row: T) => R | Promise<R>,
  url: string,
) {
  const data = await Promise.all(conn.nodes.map(present));
  const { hasNextPage, endCursor } = conn.pageInfo;
  const self = new URL(url, 'http://x');
  const next = new URL(self);
  if (endCursor) next.searchParams.set('after', endCursor);
  return {
    data,
    pageInfo: { hasNextPage, endCursor },
    _links: {
      self: { href: self.pathname + self.search },
      ...(hasNextPage && endCursor && { next: { href: next.pathname + next.search } }),
    },
  };
}
