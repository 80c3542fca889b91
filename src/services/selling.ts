/** Catalog management: listing, editing and restocking products, for their seller or an admin. */
import { requireRole, requireSellerOrAdmin } from '../auth/policy.js';
import { ALL_PRODUCTS, entityTag, listTag } from '../cache/tags.js';
import type { Context } from '../context.js';
import * as data from '../data/products.js';
import type { ProductRow } from '../db/schema.js';
import { BadUserInputError, NotFoundError } from '../errors.js';
import { decodeId } from '../ids.js';
import { viewerSellerId } from './orders.js';
import * as rules from './productRules.js';
import { withTransaction, type TransactionContext } from './transaction.js';

export interface CreateProductInput {
  title: string;
  description: string;
  brand?: string | null;
  categoryId: string;
  price: number;
  mrp: number;
  stock: number;
  images?: string[] | null;
  sellerId?: string | null;
}

export interface UpdateProductInput {
  title?: string | null;
  description?: string | null;
  brand?: string | null;
  categoryId?: string | null;
  price?: number | null;
  mrp?: number | null;
  images?: string[] | null;
}

export async function createProduct(ctx: Context, input: CreateProductInput): Promise<ProductRow> {
  const viewer = requireRole(ctx.viewer, 'SELLER', 'ADMIN');
  const own = await viewerSellerId(ctx);
  const sellerId = input.sellerId != null ? decodeId('Seller', input.sellerId, 'sellerId') : own;
  if (sellerId === null) throw new BadUserInputError('Admins must say which seller lists the product.', 'sellerId');
  requireSellerOrAdmin(viewer, sellerId, own);
  if (!(await ctx.loaders.seller.load(sellerId))) throw new NotFoundError(`Seller ${input.sellerId} does not exist.`, 'sellerId');
  rules.prices(input.price, input.mrp);
  const now = ctx.clock();
  const categoryId = await categoryKey(ctx, input.categoryId);
  const product: data.NewProduct = {
    sellerId,
    categoryId,
    title: rules.text(input.title, 'title', 1, 200),
    description: rules.text(input.description, 'description', 1, 5000),
    brand: input.brand == null ? null : rules.text(input.brand, 'brand', 1, 80),
    images: rules.images(input.images ?? []),
    pricePaise: input.price,
    mrpPaise: input.mrp,
    stock: rules.intInRange(input.stock, 'stock', 0, rules.MAX_STOCK),
    createdAt: now,
    updatedAt: now,
  };
  return withTransaction(ctx, async (tx) => {
    const row = await data.insertProduct(tx.db, product);
    tx.afterCommit(() =>
      // Its own ID too: a `product(id:)` asked before it existed was cached as null under that tag.
      ctx.cache.invalidate(
        entityTag('Product', row.id),
        ALL_PRODUCTS,
        listTag('Category', row.categoryId, 'products'),
        listTag('Seller', sellerId, 'products'),
      ),
    );
    return row;
  });
}

export async function updateProduct(ctx: Context, id: string, input: UpdateProductInput): Promise<ProductRow> {
  const product = await productForWrite(ctx, id, 'id');
  const changes: Partial<data.NewProduct> = { updatedAt: ctx.clock() };
  if (input.title != null) changes.title = rules.text(input.title, 'title', 1, 200);
  if (input.description != null) changes.description = rules.text(input.description, 'description', 1, 5000);
  if (input.brand !== undefined) changes.brand = input.brand === null ? null : rules.text(input.brand, 'brand', 1, 80);
  if (input.categoryId != null) changes.categoryId = await categoryKey(ctx, input.categoryId);
  if (input.images != null) changes.images = rules.images(input.images);
  if (input.price != null || input.mrp != null) {
    changes.pricePaise = input.price ?? product.pricePaise;
    changes.mrpPaise = input.mrp ?? product.mrpPaise;
    rules.prices(changes.pricePaise, changes.mrpPaise);
  }
  return withTransaction(ctx, async (tx) => {
    const before = await tx.loaders.product.load(product.id);
    const row = saved(ctx, tx, await data.updateProduct(tx.db, product.id, changes));
    // Price, text and category decide membership and order of the catalog lists; images only the product itself.
    const listed = ['title', 'description', 'brand', 'categoryId', 'pricePaise', 'mrpPaise'].some((k) => k in changes);
    const from = before?.categoryId ?? product.categoryId;
    tx.afterCommit(() =>
      ctx.cache.invalidate(
        entityTag('Product', row.id),
        ...(listed ? [ALL_PRODUCTS] : []),
        ...(row.categoryId !== from ? [listTag('Category', from, 'products'), listTag('Category', row.categoryId, 'products')] : []),
      ),
    );
    return row;
  });
}

export async function setStock(ctx: Context, productId: string, stock: number): Promise<ProductRow> {
  const product = await productForWrite(ctx, productId, 'productId');
  rules.intInRange(stock, 'stock', 0, rules.MAX_STOCK);
  return withTransaction(ctx, async (tx) => {
    const before = (await tx.loaders.product.load(product.id)) ?? product;
    const row = saved(ctx, tx, await data.updateProduct(tx.db, product.id, { stock, updatedAt: ctx.clock() }));
    // Crossing zero changes which products `inStock` filters keep.
    const crossed = (before.stock > 0) !== (row.stock > 0);
    tx.afterCommit(() => ctx.cache.invalidate(entityTag('Product', row.id), ...(crossed ? [ALL_PRODUCTS] : [])));
    return row;
  });
}

async function productForWrite(ctx: Context, id: string, field: string): Promise<ProductRow> {
  const key = decodeId('Product', id, field);
  const viewer = requireRole(ctx.viewer, 'SELLER', 'ADMIN');
  const product = await ctx.loaders.product.load(key);
  if (!product) throw new NotFoundError(`Product ${id} does not exist.`, field);
  requireSellerOrAdmin(viewer, product.sellerId, await viewerSellerId(ctx));
  return product;
}

async function categoryKey(ctx: Context, id: string): Promise<number> {
  const key = decodeId('Category', id, 'categoryId');
  if (!(await ctx.loaders.category.load(key))) throw new NotFoundError(`Category ${id} does not exist.`, 'categoryId');
  return key;
}

/** The row as written; once committed, it replaces what this request's loader had cached. */
function saved(ctx: Context, tx: TransactionContext, row: ProductRow | undefined): ProductRow {
  if (!row) throw new NotFoundError('The product no longer exists.');
  tx.afterCommit(() => void ctx.loaders.product.clear(row.id).prime(row.id, row));
  return row;
}
