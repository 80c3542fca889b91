import type { ProductResolvers } from '../src/generated/graphql.js';
import { encodeId } from '../src/ids.js';
import { discountPercent, money } from '../src/money.js';
import { productReviews } from '../src/services/products.js';

export const Product: ProductResolvers = {
  id: (p) => encodeId('Product', p.id),
  category: (p, _, ctx) => ctx.loaders.category.load(p.categoryId).then(required),
  seller: (p, _, ctx) => ctx.loaders.seller.load(p.sellerId).then(required),
  price: (p) => money(p.pricePaise),
  mrp: (p) => money(p.mrpPaise),
  discountPercent: (p) => discountPercent(p.pricePaise, p.mrpPaise),
  inStock: (p) => p.stock > 0,
  averageRating: (p) => averageRating(p),
  rating: (p) => averageRating(p), // deprecated for averageRating (CHANGELOG.md)
  reviews: (p, args, ctx) => productReviews(ctx, p, args),
};

/** Foreign keys guarantee these rows exist; a miss is a bug, reported as an internal error. */
export function required<T>(row: T | null): T {
  if (row === null) throw new Error('A row referenced by a foreign key is missing.');
  return row;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

/** The average review rating to two decimals; null with no reviews (GraphQL and REST alike). */
export const averageRating = (p: { reviewCount: number; ratingAvg: number }) => (p.reviewCount > 0 ? round2(p.ratingAvg) : null);
