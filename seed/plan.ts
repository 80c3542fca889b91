/**
 * How big each table gets for a given product count, where the demo accounts sit, and the seed's timeline.
 * Facts another generator needs about a row it did not generate (a user's sign-up time, a seller's join date)
 * are pure functions of (seed, id) here, so nothing has to be remembered between tables.
 */
import type { Role } from '../src/db/schema.js';
import { CITIES } from './people-data.js';
import { derive, hash32 } from './random.js';

/** @default 42 — the seed behind the data everyone sees in demos. */
export const DEFAULT_SEED = 42;

export const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Day one of the marketplace. Fixed so the same options always give the same timestamps. */
export const EPOCH = Date.UTC(2024, 0, 1);
/** Everything seeded happens before this. */
export const SEED_END = Date.UTC(2025, 9, 1);
/** Products are listed at least this long before SEED_END, so each has a window for reviews. */
export const LAST_LISTING = SEED_END - 45 * DAY;
const USERS_SPAN = 420 * DAY;
const SELLERS_SPAN = 300 * DAY;

/** Stream numbers for `derive`, one per kind of entity. Never renumber: it would change every seeded row. */
export const STREAM = { user: 1, seller: 2, sellerCategory: 3, product: 4, jitter: 5, sellerCity: 6 } as const;

export const DEMO_PASSWORD = 'demo-password';

export interface DemoAccount {
  id: number;
  name: string;
  email: string;
  role: Role;
}

/** Users 1–4, always present, so their IDs (usr_1…usr_4) are stable. User 3 owns seller 1. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { id: 1, name: 'Aarav Sharma', email: 'buyer@example.com', role: 'BUYER' },
  { id: 2, name: 'Priya Nair', email: 'buyer2@example.com', role: 'BUYER' },
  { id: 3, name: 'Rohan Mehta', email: 'seller@example.com', role: 'SELLER' },
  { id: 4, name: 'Ananya Iyer', email: 'admin@example.com', role: 'ADMIN' },
];
export const DEMO_SELLER = { id: 1, name: 'Mehta Lifestyle Store', city: 'Mumbai', ownerUserId: 3 };

export interface SeedPlan {
  seed: number;
  products: number;
  sellers: number;
  /** All users: the demo accounts, one owner per seller beyond seller 1, then shoppers. */
  users: number;
}

export function planSeed(opts: { products: number; seed?: number }): SeedPlan {
  const { products, seed = DEFAULT_SEED } = opts;
  if (!Number.isInteger(products) || products < 0) throw new RangeError(`products must be a whole number ≥ 0`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError('seed must be a 32-bit unsigned integer');
  }
  const sellers = Math.max(20, Math.round(products / 50));
  const users = Math.max(2000, Math.round(products / 2), sellers * 2 + 100);
  return { seed, products, sellers, users };
}

/**
 * User ids: 1–4 demo; 5…sellers+3 run sellers 2…sellers (role SELLER); the rest are shoppers.
 * Review authors are the shoppers plus the two demo buyers, so the demo buyer has reviews to show.
 */
export function sellerOwnerId(sellerId: number): number {
  return sellerId === 1 ? DEMO_SELLER.ownerUserId : sellerId + 3;
}

export function isSellerOwner(plan: SeedPlan, userId: number): boolean {
  return userId === DEMO_SELLER.ownerUserId || (userId >= 5 && userId <= plan.sellers + 3);
}

export function authorPoolSize(plan: SeedPlan): number {
  return plan.users - plan.sellers - 1;
}

/** Maps 0…authorPoolSize-1 onto author user ids. */
export function authorId(plan: SeedPlan, index: number): number {
  return index < 2 ? index + 1 : plan.sellers + 2 + index;
}

/** Sign-up time: grows with the id (ids are handed out in sign-up order), jittered within a day. */
export function userCreatedAt(plan: SeedPlan, userId: number): number {
  if (userId <= DEMO_ACCOUNTS.length) return EPOCH;
  const jitter = hash32(plan.seed, STREAM.jitter, userId) % DAY;
  return EPOCH + Math.floor((userId / plan.users) * USERS_SPAN) + jitter;
}

/** A seller joins after its owner signed up; seller 1 (the demo seller) on day two. */
export function sellerJoinedAt(plan: SeedPlan, sellerId: number): number {
  if (sellerId === 1) return EPOCH + DAY;
  const jitter = hash32(plan.seed, STREAM.jitter, -sellerId) % DAY;
  const spread = EPOCH + Math.floor((sellerId / plan.sellers) * SELLERS_SPAN) + jitter;
  return Math.max(spread, userCreatedAt(plan, sellerOwnerId(sellerId)) + HOUR);
}

const CITY_NAMES = CITIES.map(([city]) => city);
const CITY_WEIGHTS = CITIES.map(([, weight]) => weight);

/** Its own stream, so product descriptions can name the city without regenerating the seller. */
export function sellerCity(plan: SeedPlan, sellerId: number): string {
  if (sellerId === 1) return DEMO_SELLER.city;
  return derive(plan.seed, STREAM.sellerCity, sellerId).weightedPick(CITY_NAMES, CITY_WEIGHTS);
}
