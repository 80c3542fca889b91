/** All SQL about the catalog's small aggregates: categories, sellers, users (public columns and lookups). */
import { statement, type Queryable } from '../db/engine.js';
import { categories, sellers, users, type CategoryRow, type SellerRow, type UserRow } from '../db/schema.js';
import { byIds, selectList } from './sql.js';

/** Columns of `users` that only signing in reads. */
export const PRIVATE_USER_COLUMNS = ['passwordHash'] as const;

const ALL_CATEGORIES = statement<CategoryRow>('categories.all', `SELECT ${selectList(categories)} FROM "categories" ORDER BY "name", "id"`);
const CATEGORIES_BY_IDS = byIds<CategoryRow>('categories.byIds', categories, '"id"');
const SELLERS_BY_IDS = byIds<SellerRow>('sellers.byIds', sellers, '"id"');
const SELLERS_BY_OWNER_IDS = byIds<SellerRow>('sellers.byOwnerIds', sellers, '"owner_user_id"');
/** Public columns: a loaded user never carries the password hash (only signing in reads it, src/data/accounts.ts). */
const USERS_BY_IDS = byIds<UserRow>('users.byIds', users, '"id"', { except: PRIVATE_USER_COLUMNS });

export const allCategories = (db: Queryable) => db.all(ALL_CATEGORIES);
export const categoriesByIds = (db: Queryable, ids: readonly number[]) => db.all(CATEGORIES_BY_IDS, [ids]);
export const sellersByIds = (db: Queryable, ids: readonly number[]) => db.all(SELLERS_BY_IDS, [ids]);
export const sellersByOwnerIds = (db: Queryable, ids: readonly number[]) => db.all(SELLERS_BY_OWNER_IDS, [ids]);
export const usersByIds = (db: Queryable, ids: readonly number[]) => db.all(USERS_BY_IDS, [ids]);
