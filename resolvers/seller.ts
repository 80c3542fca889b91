import type { SellerResolvers } from '../src/generated/graphql.js';
import { encodeId } from '../src/ids.js';
import { sellerProducts } from '../src/services/catalog.js';
import { round2 } from './product.js';

export const Seller: SellerResolvers = {
  id: (s) => encodeId('Seller', s.id),
  averageRating: (s, _, ctx) => ctx.loaders.sellerRating.load(s.id).then((r) => (r === null ? null : round2(r))),
  // Deprecated for averageRating (CHANGELOG.md); the loader answers both from one lookup.
  rating: (s, _, ctx) => ctx.loaders.sellerRating.load(s.id).then((r) => (r === null ? null : round2(r))),
  products: (s, args, ctx) => sellerProducts(ctx, s, args),
};
