/** Reading products: one by ID, the filtered and sorted catalog, and a product's reviews. */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ALL_PRODUCTS, listTag } from '../cache/tags.js';
import type { Context } from '../context.js';
import * as data from '../data/products.js';
import { reviewSortKey, type ReviewOrder } from '../data/reviews.js';
import type { ProductRow, ReviewRow } from '../db/schema.js';
import { BadUserInputError } from '../errors.js';
import { decodeId } from '../ids.js';
import { pageRequest, toConnection, type Connection } from '../pagination.js';

export type ProductSort = 'RELEVANCE' | 'PRICE_ASC' | 'PRICE_DESC' | 'RATING_DESC' | 'NEWEST';

export interface ProductFilterInput {
  categoryId?: string | null;
  sellerId?: string | null;
  search?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  inStock?: boolean | null;
}

export interface ListProductsArgs {
  first?: number | null;
  after?: string | null;
  filter?: ProductFilterInput | null;
  sort?: ProductSort | null;
}

const MAX_SEARCH_LENGTH = 200;

export function getProduct(ctx: Context, id: string): Promise<ProductRow | null> {
  return ctx.loaders.product.load(decodeId('Product', id));
}

export async function listProducts(ctx: Context, args: ListProductsArgs): Promise<Connection<data.ListedProduct>> {
  const filter = toFilter(args.filter ?? {});
  const sort = args.sort ?? 'RELEVANCE';
  const order: data.ProductOrder = sort === 'RELEVANCE' ? (filter.words ? 'SEARCH_RANK' : 'POPULAR') : sort;
  const list = listName(filter);
  const page = pageRequest(args, 20, list, order, 2);
  const rows = await data.findProducts(ctx.db, filter, order, page);
  ctx.cache.tag(ALL_PRODUCTS);
  for (const row of rows) ctx.loaders.product.prime(row.id, row);
  return toConnection(rows, page, list, order, (p) => data.productSortKey(order, p), () =>
    data.countProducts(ctx.db, filter),
  );
}

/** List names by filter (as JSON): the same few filters come back request after request. */
const listNames = new LRUCache<string, string>({ max: 10_000 });

/** A cursor belongs to one filtered list: the filter's hash is part of the list name it carries. */
function listName(filter: data.ProductFilter): string {
  const key = JSON.stringify(filter);
  let name = listNames.get(key);
  if (name === undefined) {
    name = `products:${createHash('sha1').update(key).digest('base64url').slice(0, 10)}`;
    listNames.set(key, name);
  }
  return name;
}

function toFilter(input: ProductFilterInput): data.ProductFilter {
  const filter: data.ProductFilter = {};
  if (input.categoryId != null) filter.categoryId = decodeId('Category', input.categoryId, 'filter.categoryId');
  if (input.sellerId != null) filter.sellerId = decodeId('Seller', input.sellerId, 'filter.sellerId');
  for (const bound of ['minPrice', 'maxPrice'] as const) {
    const value = input[bound];
    if (value == null) continue;
    if (value < 0) throw new BadUserInputError(`"${bound}" must not be negative.`, `filter.${bound}`);
    filter[bound] = value;
  }
  if (filter.minPrice !== undefined && filter.maxPrice !== undefined && filter.minPrice > filter.maxPrice) {
    throw new BadUserInputError('"minPrice" must not exceed "maxPrice".', 'filter.minPrice');
  }
  if (input.inStock != null) filter.inStock = input.inStock;
  if (input.search != null) {
    if (input.search.length > MAX_SEARCH_LENGTH) {
      throw new BadUserInputError(`"search" must be at most ${MAX_SEARCH_LENGTH} characters.`, 'filter.search');
    }
    // Text with no word in it filters nothing, as an empty search box would.
    const words = data.searchWords(input.search);
    if (words) filter.words = words;
  }
  return filter;
}

export interface ReviewPageArgs {
  first?: number | null;
  after?: string | null;
  sort?: ReviewOrder | null;
}

export async function productReviews(ctx: Context, product: ProductRow, args: ReviewPageArgs): Promise<Connection<ReviewRow>> {
  const order = args.sort ?? 'NEWEST';
  const list = `product:${product.id}:reviews`;
  const page = pageRequest(args, 10, list, order, 2);
  const rows = await ctx.loaders.reviewPage({ parent: 'productId', order, ...page }).load(product.id);
  ctx.cache.tag(listTag('Product', product.id, 'reviews'));
  return toConnection(rows, page, list, order, (r) => reviewSortKey(order, r), () => product.reviewCount);
}
