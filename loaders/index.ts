/**
 * All DataLoaders, created afresh for every request (and every subscription event) by `createLoaders`, so no
 * cached row outlives the request that read it. One loader per access pattern; SQL lives in `src/data/`.
 */
import * as catalog from '../src/data/catalog.js';
import * as orderData from '../src/data/orders.js';
import * as productData from '../src/data/products.js';
import * as reviewData from '../src/data/reviews.js';
import type { Queryable } from '../src/db/engine.js';
import type { PageRequest } from '../src/pagination.js';
import { aggregate, byKey, groupedBy, pagesBy, type LoaderOptions } from './batch.js';

export type { LoaderOptions } from './batch.js';

export interface ProductPageArgs extends PageRequest {
  parent: productData.ProductParent;
}

export interface ReviewPageArgs extends PageRequest {
  parent: reviewData.ReviewParent;
  order: reviewData.ReviewOrder;
}

const id = (row: { id: number }) => row.id;

/** How each loader is made; `createLoaders` makes one the first time a request asks for it. */
const FACTORIES = {
  product: (db: Queryable, o: LoaderOptions) => byKey((ids) => productData.productsByIds(db, ids), id, o),
  review: (db: Queryable, o: LoaderOptions) => byKey((ids) => reviewData.reviewsByIds(db, ids), id, o),
  seller: (db: Queryable, o: LoaderOptions) => byKey((ids) => catalog.sellersByIds(db, ids), id, o),
  category: (db: Queryable, o: LoaderOptions) => byKey((ids) => catalog.categoriesByIds(db, ids), id, o),
  user: (db: Queryable, o: LoaderOptions) => byKey((ids) => catalog.usersByIds(db, ids), id, o),
  /** User.seller: the seller a SELLER user runs. */
  sellerByOwner: (db: Queryable, o: LoaderOptions) => byKey((ids) => catalog.sellersByOwnerIds(db, ids), (s) => s.ownerUserId, o),

  /** Seller.products and Category.products pages. */
  productPage: (db: Queryable, o: LoaderOptions) =>
    pagesBy(({ parent, ...page }: ProductPageArgs, ids) => productData.productPagesByParent(db, parent, ids, page), o),
  /** Product.reviews and User.reviews pages. */
  reviewPage: (db: Queryable, o: LoaderOptions) =>
    pagesBy(({ parent, order, ...page }: ReviewPageArgs, ids) => reviewData.reviewPagesByParent(db, parent, ids, order, page), o),

  sellerRating: (db: Queryable, o: LoaderOptions) => aggregate((ids) => productData.sellerRatings(db, ids), null, o),
  productCountBySeller: (db: Queryable, o: LoaderOptions) => aggregate((ids) => productData.productCountsByParent(db, 'sellerId', ids), 0, o),
  productCountByCategory: (db: Queryable, o: LoaderOptions) => aggregate((ids) => productData.productCountsByParent(db, 'categoryId', ids), 0, o),
  reviewCountByAuthor: (db: Queryable, o: LoaderOptions) => aggregate((ids) => reviewData.reviewCountsByAuthor(db, ids), 0, o),

  order: (db: Queryable, o: LoaderOptions) => byKey((ids) => orderData.ordersByIds(db, ids), id, o),
  orderItems: (db: Queryable, o: LoaderOptions) => groupedBy((ids) => orderData.itemsByOrderIds(db, ids), (i) => i.orderId, o),
  orderEvents: (db: Queryable, o: LoaderOptions) => groupedBy((ids) => orderData.eventsByOrderIds(db, ids), (e) => e.orderId, o),
  /** User.orders pages. */
  orderPage: (db: Queryable, o: LoaderOptions) => pagesBy((page: PageRequest, ids) => orderData.orderPagesByBuyer(db, ids, page), o),
  orderCountByBuyer: (db: Queryable, o: LoaderOptions) => aggregate((ids) => orderData.orderCountsByBuyer(db, ids), 0, o),
};

export type Loaders = { readonly [K in keyof typeof FACTORIES]: ReturnType<(typeof FACTORIES)[K]> };

/**
 * A request's loaders, each built on first use: a request, or a subscription (which keeps its context as long as it
 * lives), pays only for the few it touches, not for all of them. The getters live on the prototype and keep what
 * they made in a slot of the instance's array (defining a property on the instance instead cost ~0.3 µs a loader).
 */
const MAKERS = Object.values(FACTORIES) as ((db: Queryable, o: LoaderOptions) => unknown)[];

class LoaderSet {
  readonly made: unknown[] = new Array<unknown>(MAKERS.length).fill(undefined);
  constructor(
    readonly db: Queryable,
    readonly options: LoaderOptions,
  ) {}
}
Object.keys(FACTORIES).forEach((name, i) => {
  const make = MAKERS[i]!;
  Object.defineProperty(LoaderSet.prototype, name, {
    get(this: LoaderSet) {
      return (this.made[i] ??= make(this.db, this.options));
    },
  });
});

/** @param options `{ batch: false }` only for the unoptimized baseline (OPTIMIZATIONS=off). */
export function createLoaders(db: Queryable, options: LoaderOptions = {}): Loaders {
  return new LoaderSet(db, options) as unknown as Loaders;
}
