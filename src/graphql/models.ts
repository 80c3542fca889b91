/** What resolvers return for each GraphQL type: the codegen mappers (see codegen.ts) point here. */
import type { CategoryRow, ProductRow, ReviewRow, SellerRow, UserRow } from '../db/schema.js';
import type { ListedProduct } from '../data/products.js';
import type { Connection } from '../pagination.js';
import type { AuthPayload } from '../services/accounts.js';

export type { CategoryRow, ProductRow, ReviewRow, SellerRow, UserRow };
export type ProductConnectionModel = Connection<ListedProduct>;
export type ReviewConnectionModel = Connection<ReviewRow>;
export type NodeModel =
  | (ProductRow & { __typename: 'Product' })
  | (SellerRow & { __typename: 'Seller' })
  | (UserRow & { __typename: 'User' })
  | (ReviewRow & { __typename: 'Review' })
  | (CategoryRow & { __typename: 'Category' });
export type AuthPayloadModel = AuthPayload;
