/** `node(id:)`: any ID, resolved through the loader of its type. */
import type { Context } from '../context.js';
import type { NodeModel } from '../graphql/models.js';
import { decodeAnyId } from '../ids.js';
import { getOrder } from './orders.js';

export async function getNode(ctx: Context, id: string): Promise<NodeModel | null> {
  const { type, key } = decodeAnyId(id);
  const { loaders } = ctx;
  switch (type) {
    case 'Product':
      return tag('Product', await loaders.product.load(key));
    case 'Seller':
      return tag('Seller', await loaders.seller.load(key));
    case 'User':
      return tag('User', await loaders.user.load(key));
    case 'Review':
      return tag('Review', await loaders.review.load(key));
    case 'Category':
      return tag('Category', await loaders.category.load(key));
    case 'Order':
      return tag('Order', await getOrder(ctx, id));
  }
}

function tag<T extends NodeModel['__typename'], Row extends object>(typename: T, row: Row | null) {
  return row ? ({ ...row, __typename: typename } as unknown as NodeModel) : null;
}
