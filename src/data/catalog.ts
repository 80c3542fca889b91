/** All SQL about the catalog's small aggregates: categories, sellers, users (public columns and lookups). */
import { asc } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { rowsByIds } from './byIds.js';
import { categories, sellers, users, type CategoryRow, type SellerRow, type UserRow } from '../db/schema.js';

export function allCategories(db: Db): CategoryRow[] {
  return db.select().from(categories).orderBy(asc(categories.name), asc(categories.id)).all();
}

export const categoriesByIds = rowsByIds<CategoryRow>(categories, categories.id);
export const sellersByIds = rowsByIds<SellerRow>(sellers, sellers.id);
export const sellersByOwnerIds = rowsByIds<SellerRow>(sellers, sellers.ownerUserId);
export const usersByIds = rowsByIds<UserRow>(users, users.id);
