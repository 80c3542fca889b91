/**
 * All DataLoaders, created afresh for every request (and every subscription event) by `createLoaders`, so no
 * cached row outlives the request that read it. One loader per access pattern; SQL lives in `src/data/`.
 */
import * as catalog from '../src/data/catalog.js';
import * as orderData from '../src/data/orders.js';
import * as productData from '../src/data/products.js';
import * as reviewData from '../src/data/reviews.js';
import type { Db } from '../src/db/index.js';
import type { PageRequest } from '../src/pagination.js';
import { aggregate, byKey, groupedBy, pagesBy } from './batch.js';

export interface ProductPageArgs extends PageRequest {
  parent: productData.ProductParent;
}

export interface ReviewPageArgs extends PageRequest {
  parent: reviewData.ReviewParent;
  order: reviewData.ReviewOrder;
}

export function createLoaders(db: Db) {
  const id = (row: { id: number }) => row.id;
  return {
    product: byKey((ids) => productData.productsByIds(db, ids), id),
    review: byKey((ids) => reviewData.reviewsByIds(db, ids), id),
    seller: byKey((ids) => catalog.sellersByIds(db, ids), id),
    category: byKey((ids) => catalog.categoriesByIds(db, ids), id),
    user: byKey((ids) => catalog.usersByIds(db, ids), id),
    /** User.seller: the seller a SELLER user runs. */
    sellerByOwner: byKey((ids) => catalog.sellersByOwnerIds(db, ids), (s) => s.ownerUserId),

    /** Seller.products and Category.products pages. */
    productPage: pagesBy(({ parent, ...page }: ProductPageArgs, ids) =>
      productData.productPagesByParent(db, parent, ids, page),
    ),
    /** Product.reviews and User.reviews pages. */
    reviewPage: pagesBy(({ parent, order, ...page }: ReviewPageArgs, ids) =>
      reviewData.reviewPagesByParent(db, parent, ids, order, page),
    ),

    sellerRating: aggregate((ids) => productData.sellerRatings(db, ids), null),
    productCountBySeller: aggregate((ids) => productData.productCountsByParent(db, 'sellerId', ids), 0),
    productCountByCategory: aggregate((ids) => productData.productCountsByParent(db, 'categoryId', ids), 0),
    reviewCountByAuthor: aggregate((ids) => reviewData.reviewCountsByAuthor(db, ids), 0),

    order: byKey((ids) => orderData.ordersByIds(db, ids), id),
    orderItems: groupedBy((ids) => orderData.itemsByOrderIds(db, ids), (i) => i.orderId),
    orderEvents: groupedBy((ids) => orderData.eventsByOrderIds(db, ids), (e) => e.orderId),
    /** User.orders pages. */
    orderPage: pagesBy((page: PageRequest, ids) => orderData.orderPagesByBuyer(db, ids, page)),
    orderCountByBuyer: aggregate((ids) => orderData.orderCountsByBuyer(db, ids), 0),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
