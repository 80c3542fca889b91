/** Reading sellers and categories, and the product lists under them. */
import { ALL_CATEGORIES, listTag } from '../cache/tags.js';
import type { Context } from '../context.js';
import { allCategories } from '../data/catalog.js';
import { productSortKey } from '../data/products.js';
import type { CategoryRow, ProductRow, SellerRow } from '../db/schema.js';
import { decodeId } from '../ids.js';
import { pageRequest, toConnection, type Connection } from '../pagination.js';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export function getSeller(ctx: Context, id: string): Promise<SellerRow | null> {
  return ctx.loaders.seller.load(decodeId('Seller', id));
}

/** One category by ID (the REST shim's `GET /categories/{id}`); null when there is none. */
export function getCategory(ctx: Context, id: string): Promise<CategoryRow | null> {
  return ctx.loaders.category.load(decodeId('Category', id));
}

export async function listCategories(ctx: Context): Promise<CategoryRow[]> {
  const rows = await allCategories(ctx.db);
  ctx.cache.tag(ALL_CATEGORIES);
  for (const row of rows) ctx.loaders.category.prime(row.id, row);
  return rows;
}

export function sellerProducts(ctx: Context, seller: SellerRow, args: PageArgs): Promise<Connection<ProductRow>> {
  return productsUnder(ctx, 'sellerId', seller.id, args, () => ctx.loaders.productCountBySeller.load(seller.id));
}

export function categoryProducts(ctx: Context, category: CategoryRow, args: PageArgs): Promise<Connection<ProductRow>> {
  return productsUnder(ctx, 'categoryId', category.id, args, () =>
    ctx.loaders.productCountByCategory.load(category.id),
  );
}

/** Seller.products and Category.products: most reviewed first, one statement for all parents. */
async function productsUnder(
  ctx: Context,
  parent: 'sellerId' | 'categoryId',
  parentId: number,
  args: PageArgs,
  totalCount: () => Promise<number>,
): Promise<Connection<ProductRow>> {
  const list = `${parent === 'sellerId' ? 'seller' : 'category'}:${parentId}:products`;
  const page = pageRequest(args, 20, list, 'POPULAR', 2);
  const rows = await ctx.loaders.productPage({ parent, ...page }).load(parentId);
  ctx.cache.tag(listTag(parent === 'sellerId' ? 'Seller' : 'Category', parentId, 'products'));
  for (const row of rows) ctx.loaders.product.prime(row.id, row);
  return toConnection(rows, page, list, 'POPULAR', (p) => productSortKey('POPULAR', p), totalCount);
}
