/** What resolvers return for each GraphQL type: the codegen mappers (see codegen.ts) point here. */
import type {
  CategoryRow,
  OrderEventRow,
  OrderItemRow,
  OrderRow,
  ProductRow,
  ReviewRow,
  SellerRow,
  UserRow,
} from '../db/schema.js';
import type { ListedProduct } from '../data/products.js';
import type { Connection } from '../pagination.js';
import type { AuthPayload } from '../services/accounts.js';

export type { CategoryRow, OrderEventRow, OrderItemRow, OrderRow, ProductRow, ReviewRow, SellerRow, UserRow };
export type OrderConnectionModel = Connection<OrderRow>;
export type ProductConnectionModel = Connection<ListedProduct>;
export type ReviewConnectionModel = Connection<ReviewRow>;
export type NodeModel =
  | (ProductRow & { __typename: 'Product' })
  | (SellerRow & { __typename: 'Seller' })
  | (UserRow & { __typename: 'User' })
  | (ReviewRow & { __typename: 'Review' })
  | (CategoryRow & { __typename: 'Category' })
  | (OrderRow & { __typename: 'Order' });
export type AuthPayloadModel = AuthPayload;
