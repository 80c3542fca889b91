/**
 * The relational schema, one table per aggregate part. drizzle-kit turns this file into the SQL migrations
 * under `src/db/migrations/` (`npm run db:generate`); never edit a generated migration by hand.
 *
 * Conventions: integer primary keys (the API encodes them as prefixed opaque IDs, see `src/ids.ts`), money in
 * paise as integers, timestamps as integer milliseconds since the epoch (UTC).
 * Every list order the API offers has an index whose columns match the ORDER BY, tie-breaker `id` included, so
 * keyset pagination is an index range scan at any depth.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const ROLES = ['BUYER', 'SELLER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const ORDER_STATUSES = [
  'CREATED',
  'CONFIRMED',
  'PACKED',
  'SHIPPED',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    /** Stored lower-cased; unique. */
    email: text('email').notNull(),
    /** `scrypt$…` (see src/auth/password.ts); null for seeded shoppers who never set a password. */
    passwordHash: text('password_hash'),
    role: text('role', { enum: ROLES }).notNull().default('BUYER'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email)],
);

export const categories = sqliteTable(
  'categories',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
  },
  (t) => [uniqueIndex('categories_slug_uq').on(t.slug), index('categories_name_idx').on(t.name, t.id)],
);

export const sellers = sqliteTable(
  'sellers',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    city: text('city'),
    /** The SELLER user who runs this seller; a user runs at most one. */
    ownerUserId: integer('owner_user_id').references(() => users.id),
    joinedAt: integer('joined_at').notNull(),
  },
  (t) => [uniqueIndex('sellers_owner_uq').on(t.ownerUserId)],
);

export const products = sqliteTable(
  'products',
  {
    id: integer('id').primaryKey(),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id),
    title: text('title').notNull(),
    description: text('description').notNull(),
    brand: text('brand'),
    /** JSON array of image URLs. */
    images: text('images', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    pricePaise: integer('price_paise').notNull(),
    mrpPaise: integer('mrp_paise').notNull(),
    stock: integer('stock').notNull(),
    /**
     * Review aggregates, kept in step with `reviews` inside the transaction that adds a review, so that rating
     * and review count cost nothing to read and RATING_DESC / RELEVANCE can be served from an index.
     * `ratingAvg` is 0 with no reviews (the API says null), which also sorts unrated products last.
     */
    ratingSum: integer('rating_sum').notNull().default(0),
    reviewCount: integer('review_count').notNull().default(0),
    ratingAvg: real('rating_avg').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // Root list orders (ProductSort): RELEVANCE without search = popularity, PRICE_*, RATING_DESC, NEWEST.
    index('products_popular_idx').on(t.reviewCount, t.id),
    index('products_price_idx').on(t.pricePaise, t.id),
    index('products_rating_idx').on(t.ratingAvg, t.id),
    index('products_created_idx').on(t.createdAt, t.id),
    // The same orders inside a category (Category.products, filter.categoryId) …
    index('products_cat_popular_idx').on(t.categoryId, t.reviewCount, t.id),
    index('products_cat_price_idx').on(t.categoryId, t.pricePaise, t.id),
    index('products_cat_rating_idx').on(t.categoryId, t.ratingAvg, t.id),
    index('products_cat_created_idx').on(t.categoryId, t.createdAt, t.id),
    // … and inside a seller (Seller.products, filter.sellerId).
    index('products_sel_popular_idx').on(t.sellerId, t.reviewCount, t.id),
    index('products_sel_price_idx').on(t.sellerId, t.pricePaise, t.id),
    index('products_sel_rating_idx').on(t.sellerId, t.ratingAvg, t.id),
    index('products_sel_created_idx').on(t.sellerId, t.createdAt, t.id),
  ],
);

export const reviews = sqliteTable(
  'reviews',
  {
    id: integer('id').primaryKey(),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    rating: integer('rating').notNull(),
    title: text('title'),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    // One review per user and product (addReview: CONFLICT); also serves "reviews by author".
    uniqueIndex('reviews_author_product_uq').on(t.authorId, t.productId),
    index('reviews_product_created_idx').on(t.productId, t.createdAt, t.id),
    index('reviews_product_rating_idx').on(t.productId, t.rating, t.id),
    index('reviews_author_created_idx').on(t.authorId, t.createdAt, t.id),
  ],
);

export const orders = sqliteTable(
  'orders',
  {
    id: integer('id').primaryKey(),
    buyerId: integer('buyer_id')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    totalPaise: integer('total_paise').notNull(),
    /** Unique per buyer: a retry with the same key returns the same order. */
    idempotencyKey: text('idempotency_key').notNull(),
    /** Hash of the order's lines, so the same key with another payload is told apart (CONFLICT). */
    requestHash: text('request_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('orders_buyer_key_uq').on(t.buyerId, t.idempotencyKey),
    index('orders_buyer_created_idx').on(t.buyerId, t.createdAt, t.id),
  ],
);

export const orderItems = sqliteTable(
  'order_items',
  {
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id),
    /** Denormalised from the product at order time: who may see and move the order. */
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id),
    quantity: integer('quantity').notNull(),
    /** The price captured when the order was placed. */
    unitPricePaise: integer('unit_price_paise').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.productId] }),
    index('order_items_seller_idx').on(t.sellerId, t.orderId),
    index('order_items_product_idx').on(t.productId),
  ],
);

export const orderEvents = sqliteTable(
  'order_events',
  {
    /** Monotonic across all orders: subscriptions resume from an event id (`afterEventId`). */
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    note: text('note'),
    at: integer('at').notNull(),
  },
  (t) => [index('order_events_order_idx').on(t.orderId, t.id)],
);

/**
 * The last order event id handed out: one row (id 1). Every order transaction takes the next id from it as its
 * last step, so the row lock (PostgreSQL) or the single writer (SQLite) makes event ids grow in commit order and a
 * subscriber resuming after an id can never miss an event that committed later with a smaller one.
 */
export const eventSequence = sqliteTable('event_sequence', {
  id: integer('id').primaryKey(),
  lastValue: integer('last_value').notNull(),
});

/**
 * Refresh tokens, stored as SHA-256 hashes (a leaked table grants nothing). Each sign-in starts a family; each
 * refresh rotates the token within it. A token presented after it was rotated means it was stolen: the whole
 * family is revoked (OAuth 2.0 Security BCP, refresh token rotation).
 */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    id: integer('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    familyId: text('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** Set when this token was exchanged for the next one of its family. */
    rotatedAt: integer('rotated_at'),
    /** Set on log-out or when reuse was detected. */
    revokedAt: integer('revoked_at'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_uq').on(t.tokenHash),
    index('refresh_tokens_family_idx').on(t.familyId),
    index('refresh_tokens_user_idx').on(t.userId),
  ],
);

/** A user with the password hash: what signing in reads, nothing else. */
export type UserAccountRow = typeof users.$inferSelect;
/** A user as the API reads one (loaders, resolvers, REST): never the password hash. */
export type UserRow = Omit<UserAccountRow, 'passwordHash'>;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
export type CategoryRow = typeof categories.$inferSelect;
export type SellerRow = typeof sellers.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type ReviewRow = typeof reviews.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type OrderEventRow = typeof orderEvents.$inferSelect;
