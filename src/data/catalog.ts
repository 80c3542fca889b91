/** All SQL about the catalog's small aggregates: categories, sellers, users (public columns and lookups). */
import { asc, inArray } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { categories, sellers, users, type CategoryRow, type SellerRow, type UserRow } from '../db/schema.js';

export function allCategories(db: Db): CategoryRow[] {
  return db.select().from(categories).orderBy(asc(categories.name), asc(categories.id)).all();
}

export function categoriesByIds(db: Db, ids: readonly number[]): CategoryRow[] {
  return db.select().from(categories).where(inArray(categories.id, [...ids])).all();
}

export function sellersByIds(db: Db, ids: readonly number[]): SellerRow[] {
  return db.select().from(sellers).where(inArray(sellers.id, [...ids])).all();
}

export function sellersByOwnerIds(db: Db, userIds: readonly number[]): SellerRow[] {
  return db.select().from(sellers).where(inArray(sellers.ownerUserId, [...userIds])).all();
}

export function usersByIds(db: Db, ids: readonly number[]): UserRow[] {
  return db.select().from(users).where(inArray(users.id, [...ids])).all();
}
