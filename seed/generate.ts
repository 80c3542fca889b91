/**
 * Pure, deterministic row generators: no database, no clock, no Math.random. Each yields rows in id order, one at
 * a time, so a caller can stream any number of them into batches with bounded memory.
 * Same plan → the same rows, byte for byte.
 */
import type { categories, sellers, users } from '../src/db/schema.js';
import { CATEGORIES } from './catalog-data.js';
import { FIRST_NAMES, LAST_NAMES, SELLER_BRANDS, SELLER_PREFIXES, SELLER_SUFFIXES } from './people-data.js';
import {
  DEMO_ACCOUNTS,
  DEMO_SELLER,
  STREAM,
  isSellerOwner,
  sellerCity,
  sellerJoinedAt,
  sellerOwnerId,
  userCreatedAt,
  type SeedPlan,
} from './plan.js';
import { derive } from './random.js';

export { generateProducts, type ProductWithReviews } from './products.js';

export type CategoryInsert = typeof categories.$inferInsert;
export type UserInsert = typeof users.$inferInsert;
export type SellerInsert = typeof sellers.$inferInsert;

export function* generateCategories(): Generator<CategoryInsert> {
  for (const [i, c] of CATEGORIES.entries()) yield { id: i + 1, name: c.name, slug: c.slug };
}

/** Demo accounts come out with a null password hash: hashing is slow and salted, so the caller does it. */
export function* generateUsers(plan: SeedPlan): Generator<UserInsert> {
  for (const { id, name, email, role } of DEMO_ACCOUNTS) {
    yield { id, name, email, passwordHash: null, role, createdAt: userCreatedAt(plan, id) };
  }
  for (let id = DEMO_ACCOUNTS.length + 1; id <= plan.users; id++) {
    const rng = derive(plan.seed, STREAM.user, id);
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    yield {
      id,
      name: `${first} ${last}`,
      // The id suffix makes the address unique without remembering which ones were handed out.
      email: `${first}.${last}${id}@example.in`.toLowerCase(),
      passwordHash: null,
      role: isSellerOwner(plan, id) ? 'SELLER' : 'BUYER',
      createdAt: userCreatedAt(plan, id),
    };
  }
}

export function* generateSellers(plan: SeedPlan): Generator<SellerInsert> {
  yield { ...DEMO_SELLER, joinedAt: sellerJoinedAt(plan, 1) };
  for (let id = 2; id <= plan.sellers; id++) {
    const rng = derive(plan.seed, STREAM.seller, id);
    const name = rng.chance(0.2)
      ? rng.pick(SELLER_BRANDS)
      : `${rng.pick(SELLER_PREFIXES)} ${rng.pick(SELLER_SUFFIXES)}`;
    yield {
      id,
      name,
      city: sellerCity(plan, id),
      ownerUserId: sellerOwnerId(id),
      joinedAt: sellerJoinedAt(plan, id),
    };
  }
}
