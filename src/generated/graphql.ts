import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ProductRow, SellerRow, CategoryRow, ReviewRow, UserRow, ProductConnectionModel, ReviewConnectionModel, NodeModel, AuthPayloadModel, OrderRow, OrderItemRow, OrderEventRow, OrderConnectionModel } from '../graphql/models.js';
import type { Context } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 timestamp in UTC, such as `2026-03-14T09:26:53.589Z`. */
  DateTime: { input: string; output: number | string | Date; }
};

/** A review to add. */
export type AddReviewInput = {
  /** 1 to 5,000 characters. */
  body: Scalars['String']['input'];
  /** The product reviewed. */
  productId: Scalars['ID']['input'];
  /** Stars, 1 to 5. */
  rating: Scalars['Int']['input'];
  /** Up to 120 characters. */
  title?: InputMaybe<Scalars['String']['input']>;
};

/** What signing up, signing in or refreshing gives back. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** A JWT for `Authorization: Bearer …`; it expires after `expiresIn` seconds. */
  accessToken: Scalars['String']['output'];
  /** Seconds until the access token expires. */
  expiresIn: Scalars['Int']['output'];
  /** Exchange it with `refreshSession` for a new pair; each one works once. */
  refreshToken: Scalars['String']['output'];
  /** Who is now signed in. */
  user: User;
};

/** Who may share a cached response: anyone, or only the caller it was made for. */
export type CacheControlScope =
  /** Only the caller it was made for. */
  | 'PRIVATE'
  /** Anyone: the response holds nothing private. */
  | 'PUBLIC';

/** A department of the catalog. */
export type Category = Node & {
  __typename?: 'Category';
  /** The category's ID (`cat_…`). */
  id: Scalars['ID']['output'];
  /** Its display name. */
  name: Scalars['String']['output'];
  /** Products in it, most reviewed first. */
  products: ProductConnection;
  /** A URL-safe name, unique. */
  slug: Scalars['String']['output'];
};


/** A department of the catalog. */
export type CategoryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A new product. Prices are paise; price must not exceed mrp. */
export type CreateProductInput = {
  /** Up to 80 characters; omit for unbranded goods. */
  brand?: InputMaybe<Scalars['String']['input']>;
  /** The category to list it in. */
  categoryId: Scalars['ID']['input'];
  /** 1 to 5,000 characters. */
  description: Scalars['String']['input'];
  /** Up to 10 image URLs (https), main image first. */
  images?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Maximum retail price in paise, at least the price. */
  mrp: Scalars['Int']['input'];
  /** Selling price in paise, at least 1. */
  price: Scalars['Int']['input'];
  /** The seller to list it under: admins must say; a SELLER may only name (or omit) their own. */
  sellerId?: InputMaybe<Scalars['ID']['input']>;
  /** Units available, 0 to 1,000,000. */
  stock: Scalars['Int']['input'];
  /** 1 to 200 characters. */
  title: Scalars['String']['input'];
};

/** An amount of money in Indian rupees. */
export type Money = {
  __typename?: 'Money';
  /** The amount in minor units (paise): 129999 is ₹1,299.99. */
  amount: Scalars['Int']['output'];
  /** ISO 4217 currency code; always `INR` for now. */
  currency: Scalars['String']['output'];
  /** The amount as an Indian reader writes it, with lakh grouping: `₹1,29,999.00`. */
  formatted: Scalars['String']['output'];
};

/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Reviews a product, once per user and product (a second is CONFLICT); updates its rating at once. */
  addReview: Review;
  /** Cancels your order before it ships; the stock goes back. */
  cancelOrder: Order;
  /** Lists a product: a SELLER under their own seller, or an ADMIN under any. */
  createProduct: Product;
  /** Signs in. Any failure is UNAUTHENTICATED with one message; repeated failures slow down, then lock briefly (RATE_LIMITED). Costs 100 points (password hashing); one password mutation per request. */
  logIn: AuthPayload;
  /** Ends the session the refresh token belongs to. False when the token names no session. */
  logOut: Scalars['Boolean']['output'];
  /** Places an order, all lines or none: OUT_OF_STOCK names the product; an unknown product is NOT_FOUND. */
  placeOrder: Order;
  /** Exchanges a refresh token for a new pair; the old one stops working. Reusing an old one ends the session. */
  refreshSession: AuthPayload;
  /** Sets how many units are available: the product's seller or an admin. */
  setStock: Product;
  /** Creates a buyer account and signs it in. An email already taken is CONFLICT; a short password BAD_USER_INPUT. Costs 100 points (password hashing); one password mutation per request; a client's sign-ups are throttled (RATE_LIMITED). */
  signUp: AuthPayload;
  /** Moves an order on: a seller of its items, or an admin. Illegal moves are BAD_USER_INPUT. */
  updateOrderStatus: Order;
  /** Edits a product: its seller or an admin. */
  updateProduct: Product;
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationAddReviewArgs = {
  input: AddReviewInput;
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationCancelOrderArgs = {
  id: Scalars['ID']['input'];
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationCreateProductArgs = {
  input: CreateProductInput;
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationLogInArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationLogOutArgs = {
  refreshToken: Scalars['String']['input'];
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationPlaceOrderArgs = {
  input: PlaceOrderInput;
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationRefreshSessionArgs = {
  refreshToken: Scalars['String']['input'];
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationSetStockArgs = {
  productId: Scalars['ID']['input'];
  stock: Scalars['Int']['input'];
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationSignUpArgs = {
  input: SignUpInput;
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationUpdateOrderStatusArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  status: OrderStatus;
};


/** Everything that changes data: accounts and sessions, orders, the catalog and reviews. Send mutations by POST only. */
export type MutationUpdateProductArgs = {
  id: Scalars['ID']['input'];
  input: UpdateProductInput;
};

/**
 * Anything with a global ID. IDs are opaque strings with a type prefix (`prd_`, `sel_`, `usr_`, `rev_`, `cat_`, `ord_`),
 * the same in GraphQL and REST.
 */
export type Node = {
  /** The global ID. */
  id: Scalars['ID']['output'];
};

/** A buyer's order. Visible to its buyer, to the sellers of its items, and to admins. */
export type Order = Node & {
  __typename?: 'Order';
  /** Who placed it. */
  buyer: User;
  /** When it was placed. */
  createdAt: Scalars['DateTime']['output'];
  /** Every status change, oldest first, the placing included. */
  events: Array<OrderEvent>;
  /** The order's ID (`ord_…`). */
  id: Scalars['ID']['output'];
  /** What was ordered, at the prices of the moment it was placed. */
  items: Array<OrderItem>;
  /** Where it is now. */
  status: OrderStatus;
  /** The sum of the line totals. */
  total: Money;
  /** When its status last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of orders. */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  /** The orders with their cursors. */
  edges: Array<OrderEdge>;
  /** The orders alone. */
  nodes: Array<Order>;
  /** Where this page sits. */
  pageInfo: PageInfo;
  /** How many orders the whole list holds. */
  totalCount: Scalars['Int']['output'];
};

/** An order in a page. */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  /** Pass as `after` to continue after this order. */
  cursor: Scalars['String']['output'];
  /** The order. */
  node: Order;
};

/** A status change of an order. */
export type OrderEvent = {
  __typename?: 'OrderEvent';
  /** When. */
  at: Scalars['DateTime']['output'];
  /** Increasing across all orders: pass the last one you saw as `afterEventId` to resume a subscription. */
  id: Scalars['ID']['output'];
  /** Why, if the person who moved it said. */
  note?: Maybe<Scalars['String']['output']>;
  /** The status the order moved to. */
  status: OrderStatus;
};

/** One line of an order. */
export type OrderItem = {
  __typename?: 'OrderItem';
  /** unitPrice × quantity. */
  lineTotal: Money;
  /** The product ordered. */
  product: Product;
  /** How many, 1 to 10. */
  quantity: Scalars['Int']['output'];
  /** The unit price when the order was placed. */
  unitPrice: Money;
};

/** One product and how many of it. */
export type OrderLineInput = {
  /** The product. */
  productId: Scalars['ID']['input'];
  /** How many, 1 to 10. */
  quantity: Scalars['Int']['input'];
};

/** Where an order is. It moves forward only (skipping is allowed), or to CANCELLED before SHIPPED. */
export type OrderStatus =
  /** Cancelled before shipping; the stock went back. */
  | 'CANCELLED'
  /** Accepted by the seller. */
  | 'CONFIRMED'
  /** Placed; stock is taken. */
  | 'CREATED'
  /** Handed to the buyer. */
  | 'DELIVERED'
  /** On the last mile. */
  | 'OUT_FOR_DELIVERY'
  /** Packed and ready to hand over. */
  | 'PACKED'
  /** With the courier. */
  | 'SHIPPED';

/** Where a page of a connection sits in its list (Relay cursor connections). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item on this page; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when this page was fetched after a cursor. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first item on this page; null for an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** An order to place. */
export type PlaceOrderInput = {
  /** Your key for this order (1 to 100 characters): a retry with the same key returns the same order. */
  idempotencyKey: Scalars['String']['input'];
  /** 1 to 50 lines, each product at most once. */
  items: Array<OrderLineInput>;
};

/** A product listed by a seller. */
export type Product = Node & {
  __typename?: 'Product';
  /** The average review rating, 1 to 5, to two decimals; null when nobody has reviewed it. */
  averageRating?: Maybe<Scalars['Float']['output']>;
  /** The brand; null for unbranded goods. */
  brand?: Maybe<Scalars['String']['output']>;
  /** The category it is listed in. */
  category: Category;
  /** When it was listed. */
  createdAt: Scalars['DateTime']['output'];
  /** The seller's description. */
  description: Scalars['String']['output'];
  /** How much below MRP the price is, in whole percent (rounded down). */
  discountPercent: Scalars['Int']['output'];
  /** The product's ID (`prd_…`). */
  id: Scalars['ID']['output'];
  /** Image URLs, main image first. */
  images: Array<Scalars['String']['output']>;
  /** True when at least one unit is available. */
  inStock: Scalars['Boolean']['output'];
  /** The maximum retail price printed on the pack. */
  mrp: Money;
  /** The selling price. */
  price: Money;
  /**
   * The average review rating: the same value as `averageRating`.
   * @deprecated Use `averageRating`: `rating` reads like one review's stars (`Review.rating`). Kept until at least 2027-06-01 (see CHANGELOG.md).
   */
  rating?: Maybe<Scalars['Float']['output']>;
  /** How many reviews it has. */
  reviewCount: Scalars['Int']['output'];
  /** Its reviews, newest first unless sorted otherwise. */
  reviews: ReviewConnection;
  /** The seller who sells it. */
  seller: Seller;
  /** Units available to order. */
  stock: Scalars['Int']['output'];
  /** The listing title. */
  title: Scalars['String']['output'];
};


/** A product listed by a seller. */
export type ProductReviewsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  sort?: InputMaybe<ReviewSort>;
};

/** A page of products. */
export type ProductConnection = {
  __typename?: 'ProductConnection';
  /** The products with their cursors. */
  edges: Array<ProductEdge>;
  /** The products alone. */
  nodes: Array<Product>;
  /** Where this page sits. */
  pageInfo: PageInfo;
  /** How many products the whole list holds. */
  totalCount: Scalars['Int']['output'];
};

/** A product in a page. */
export type ProductEdge = {
  __typename?: 'ProductEdge';
  /** Pass as `after` to continue after this product. */
  cursor: Scalars['String']['output'];
  /** The product. */
  node: Product;
};

/** Filters for `products`; all given filters must hold. Prices are paise, bounds inclusive. */
export type ProductFilter = {
  /** Only this category's products. */
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  /** true: only in stock; false: only out of stock; absent: both. */
  inStock?: InputMaybe<Scalars['Boolean']['input']>;
  /** Highest price, in paise, inclusive. */
  maxPrice?: InputMaybe<Scalars['Int']['input']>;
  /** Lowest price, in paise, inclusive. */
  minPrice?: InputMaybe<Scalars['Int']['input']>;
  /** Words to find in title, brand or description (the last word may be a prefix). A full-text search costs 50 points, paid by the page and again by `totalCount`. */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Only this seller's products. */
  sellerId?: InputMaybe<Scalars['ID']['input']>;
};

/** Orders for `products`. Every order breaks ties by ID, so pages never overlap or skip. */
export type ProductSort =
  /** Most recently listed first. */
  | 'NEWEST'
  /** Cheapest first. */
  | 'PRICE_ASC'
  /** Dearest first. */
  | 'PRICE_DESC'
  /** Best rated first; unrated products last. */
  | 'RATING_DESC'
  /** Best match for `search`; without a search, most reviewed first. */
  | 'RELEVANCE';

/**
 * What can be read: the catalog, users and orders. A well-formed ID of the right type that names nothing is null;
 * an ID that cannot be decoded, or of another type, is BAD_USER_INPUT.
 */
export type Query = {
  __typename?: 'Query';
  /** Every category, by name. */
  categories: Array<Category>;
  /** Any object by its global ID; null when the ID is well formed but names nothing. */
  node?: Maybe<Node>;
  /** An order: its buyer, a seller of its items, or an admin. Anonymous UNAUTHENTICATED, others FORBIDDEN. */
  order?: Maybe<Order>;
  /** A product by ID; null if there is none. */
  product?: Maybe<Product>;
  /** The catalog, filtered and sorted, a page at a time. */
  products: ProductConnection;
  /** A seller by ID; null if there is none. */
  seller?: Maybe<Seller>;
  /** A user by ID; null if there is none. */
  user?: Maybe<User>;
  /** The signed-in user; null when anonymous. */
  viewer?: Maybe<User>;
};


/**
 * What can be read: the catalog, users and orders. A well-formed ID of the right type that names nothing is null;
 * an ID that cannot be decoded, or of another type, is BAD_USER_INPUT.
 */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


/**
 * What can be read: the catalog, users and orders. A well-formed ID of the right type that names nothing is null;
 * an ID that cannot be decoded, or of another type, is BAD_USER_INPUT.
 */
export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};


/**
 * What can be read: the catalog, users and orders. A well-formed ID of the right type that names nothing is null;
 * an ID that cannot be decoded, or of another type, is BAD_USER_INPUT.
 */
export type QueryProductArgs = {
  id: Scalars['ID']['input'];
};


/**
 * What can be read: the catalog, users and orders. A well-formed ID of the right type that names nothing is null;
 * an ID that cannot be decoded, or of another type, is BAD_USER_INPUT.
 */
export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  sort?: InputMaybe<ProductSort>;
};


/**
 * What can be read: the catalog, users and orders. A well-formed ID of the right type that names nothing is null;
 * an ID that cannot be decoded, or of another type, is BAD_USER_INPUT.
 */
export type QuerySellerArgs = {
  id: Scalars['ID']['input'];
};


/**
 * What can be read: the catalog, users and orders. A well-formed ID of the right type that names nothing is null;
 * an ID that cannot be decoded, or of another type, is BAD_USER_INPUT.
 */
export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};

/** A buyer's review of a product. */
export type Review = Node & {
  __typename?: 'Review';
  /** Who wrote it. */
  author: User;
  /** The review text. */
  body: Scalars['String']['output'];
  /** When it was written. */
  createdAt: Scalars['DateTime']['output'];
  /** The review's ID (`rev_…`). */
  id: Scalars['ID']['output'];
  /** What it reviews. */
  product: Product;
  /** Stars, 1 to 5. */
  rating: Scalars['Int']['output'];
  /** A one-line summary. */
  title?: Maybe<Scalars['String']['output']>;
};

/** A page of reviews. */
export type ReviewConnection = {
  __typename?: 'ReviewConnection';
  /** The reviews with their cursors. */
  edges: Array<ReviewEdge>;
  /** The reviews alone. */
  nodes: Array<Review>;
  /** Where this page sits. */
  pageInfo: PageInfo;
  /** How many reviews the whole list holds. */
  totalCount: Scalars['Int']['output'];
};

/** A review in a page. */
export type ReviewEdge = {
  __typename?: 'ReviewEdge';
  /** Pass as `after` to continue after this review. */
  cursor: Scalars['String']['output'];
  /** The review. */
  node: Review;
};

/** Orders for a product's reviews. */
export type ReviewSort =
  /** Most recent first. */
  | 'NEWEST'
  /** Fewest stars first. */
  | 'RATING_ASC'
  /** Most stars first. */
  | 'RATING_DESC';

/** What a user may do. */
export type Role =
  /** Runs the marketplace. */
  | 'ADMIN'
  /** Shops and reviews. */
  | 'BUYER'
  /** Runs a seller: lists products and fulfils orders. */
  | 'SELLER';

/** A shop on the marketplace. */
export type Seller = Node & {
  __typename?: 'Seller';
  /** The average rating of all reviews of its products, to two decimals; null with no reviews. */
  averageRating?: Maybe<Scalars['Float']['output']>;
  /** The city it ships from. */
  city?: Maybe<Scalars['String']['output']>;
  /** The seller's ID (`sel_…`). */
  id: Scalars['ID']['output'];
  /** When it joined the marketplace. */
  joinedAt: Scalars['DateTime']['output'];
  /** The shop's name. */
  name: Scalars['String']['output'];
  /** Its products, most reviewed first. */
  products: ProductConnection;
  /**
   * The average rating of its products' reviews: the same value as `averageRating`.
   * @deprecated Use `averageRating`: `rating` reads like one review's stars (`Review.rating`). Kept until at least 2027-06-01 (see CHANGELOG.md).
   */
  rating?: Maybe<Scalars['Float']['output']>;
};


/** A shop on the marketplace. */
export type SellerProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A new buyer account. */
export type SignUpInput = {
  /** The sign-in email; unique, case-insensitive. */
  email: Scalars['String']['input'];
  /** The display name, 1 to 80 characters (trimmed). */
  name: Scalars['String']['input'];
  /** At least 8 characters. */
  password: Scalars['String']['input'];
};

/** Live order changes over WebSocket (`graphql-transport-ws`), each sent as the order is at that change. */
export type Subscription = {
  __typename?: 'Subscription';
  /** Each change of any of your orders, as buyer or as the seller you run (or after `afterEventId`, replayed first). */
  myOrderUpdates: Order;
  /** Each change of one order, after you subscribe (or after `afterEventId`, replayed first). */
  orderUpdated: Order;
};


/** Live order changes over WebSocket (`graphql-transport-ws`), each sent as the order is at that change. */
export type SubscriptionMyOrderUpdatesArgs = {
  afterEventId?: InputMaybe<Scalars['ID']['input']>;
};


/** Live order changes over WebSocket (`graphql-transport-ws`), each sent as the order is at that change. */
export type SubscriptionOrderUpdatedArgs = {
  afterEventId?: InputMaybe<Scalars['ID']['input']>;
  orderId: Scalars['ID']['input'];
};

/** Changes to a product; omitted fields stay as they are. */
export type UpdateProductInput = {
  /** Up to 80 characters. */
  brand?: InputMaybe<Scalars['String']['input']>;
  /** Move it to another category. */
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  /** 1 to 5,000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Up to 10 image URLs (https). */
  images?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Maximum retail price in paise. */
  mrp?: InputMaybe<Scalars['Int']['input']>;
  /** Selling price in paise; must not exceed the MRP. */
  price?: InputMaybe<Scalars['Int']['input']>;
  /** 1 to 200 characters. */
  title?: InputMaybe<Scalars['String']['input']>;
};

/** Someone with an account. */
export type User = Node & {
  __typename?: 'User';
  /** The email address: only the user and admins see it; null to everyone else. */
  email?: Maybe<Scalars['String']['output']>;
  /** The user's ID (`usr_…`). */
  id: Scalars['ID']['output'];
  /** The display name. */
  name: Scalars['String']['output'];
  /** Their orders, newest first: the user and admins only (anonymous UNAUTHENTICATED, others FORBIDDEN). */
  orders: OrderConnection;
  /** Reviews they wrote, newest first. */
  reviews: ReviewConnection;
  /** Their role. */
  role: Role;
  /** The seller a SELLER user runs; null for others. */
  seller?: Maybe<Seller>;
};


/** Someone with an account. */
export type UserOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Someone with an account. */
export type UserReviewsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AddReviewInput: AddReviewInput;
  AuthPayload: ResolverTypeWrapper<AuthPayloadModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CacheControlScope: CacheControlScope;
  Category: ResolverTypeWrapper<CategoryRow>;
  CreateProductInput: CreateProductInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Node: ResolverTypeWrapper<NodeModel>;
  Order: ResolverTypeWrapper<OrderRow>;
  OrderConnection: ResolverTypeWrapper<OrderConnectionModel>;
  OrderEdge: ResolverTypeWrapper<Omit<OrderEdge, 'node'> & { node: ResolversTypes['Order'] }>;
  OrderEvent: ResolverTypeWrapper<OrderEventRow>;
  OrderItem: ResolverTypeWrapper<OrderItemRow>;
  OrderLineInput: OrderLineInput;
  OrderStatus: OrderStatus;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PlaceOrderInput: PlaceOrderInput;
  Product: ResolverTypeWrapper<ProductRow>;
  ProductConnection: ResolverTypeWrapper<ProductConnectionModel>;
  ProductEdge: ResolverTypeWrapper<Omit<ProductEdge, 'node'> & { node: ResolversTypes['Product'] }>;
  ProductFilter: ProductFilter;
  ProductSort: ProductSort;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Review: ResolverTypeWrapper<ReviewRow>;
  ReviewConnection: ResolverTypeWrapper<ReviewConnectionModel>;
  ReviewEdge: ResolverTypeWrapper<Omit<ReviewEdge, 'node'> & { node: ResolversTypes['Review'] }>;
  ReviewSort: ReviewSort;
  Role: Role;
  Seller: ResolverTypeWrapper<SellerRow>;
  SignUpInput: SignUpInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  UpdateProductInput: UpdateProductInput;
  User: ResolverTypeWrapper<UserRow>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AddReviewInput: AddReviewInput;
  AuthPayload: AuthPayloadModel;
  Boolean: Scalars['Boolean']['output'];
  Category: CategoryRow;
  CreateProductInput: CreateProductInput;
  DateTime: Scalars['DateTime']['output'];
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  Node: NodeModel;
  Order: OrderRow;
  OrderConnection: OrderConnectionModel;
  OrderEdge: Omit<OrderEdge, 'node'> & { node: ResolversParentTypes['Order'] };
  OrderEvent: OrderEventRow;
  OrderItem: OrderItemRow;
  OrderLineInput: OrderLineInput;
  PageInfo: PageInfo;
  PlaceOrderInput: PlaceOrderInput;
  Product: ProductRow;
  ProductConnection: ProductConnectionModel;
  ProductEdge: Omit<ProductEdge, 'node'> & { node: ResolversParentTypes['Product'] };
  ProductFilter: ProductFilter;
  Query: Record<PropertyKey, never>;
  Review: ReviewRow;
  ReviewConnection: ReviewConnectionModel;
  ReviewEdge: Omit<ReviewEdge, 'node'> & { node: ResolversParentTypes['Review'] };
  Seller: SellerRow;
  SignUpInput: SignUpInput;
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
  UpdateProductInput: UpdateProductInput;
  User: UserRow;
};

export type CacheControlDirectiveArgs = {
  inheritMaxAge?: Maybe<Scalars['Boolean']['input']>;
  maxAge?: Maybe<Scalars['Int']['input']>;
  scope?: Maybe<CacheControlScope>;
};

export type CacheControlDirectiveResolver<Result, Parent, ContextType = Context, Args = CacheControlDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CostDirectiveArgs = {
  weight: Scalars['Int']['input'];
};

export type CostDirectiveResolver<Result, Parent, ContextType = Context, Args = CostDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ListSizeDirectiveArgs = {
  assumedSize?: Maybe<Scalars['Int']['input']>;
  sizedFields?: Maybe<Array<Scalars['String']['input']>>;
  slicingArguments?: Maybe<Array<Scalars['String']['input']>>;
};

export type ListSizeDirectiveResolver<Result, Parent, ContextType = Context, Args = ListSizeDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AuthPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AuthPayload'] = ResolversParentTypes['AuthPayload']> = {
  accessToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresIn?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  refreshToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
};

export type CategoryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Category'] = ResolversParentTypes['Category']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  products?: Resolver<ResolversTypes['ProductConnection'], ParentType, ContextType, RequireFields<CategoryProductsArgs, 'first'>>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MoneyResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  formatted?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  addReview?: Resolver<ResolversTypes['Review'], ParentType, ContextType, RequireFields<MutationAddReviewArgs, 'input'>>;
  cancelOrder?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationCancelOrderArgs, 'id'>>;
  createProduct?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationCreateProductArgs, 'input'>>;
  logIn?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationLogInArgs, 'email' | 'password'>>;
  logOut?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationLogOutArgs, 'refreshToken'>>;
  placeOrder?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationPlaceOrderArgs, 'input'>>;
  refreshSession?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationRefreshSessionArgs, 'refreshToken'>>;
  setStock?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationSetStockArgs, 'productId' | 'stock'>>;
  signUp?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationSignUpArgs, 'input'>>;
  updateOrderStatus?: Resolver<ResolversTypes['Order'], ParentType, ContextType, RequireFields<MutationUpdateOrderStatusArgs, 'id' | 'status'>>;
  updateProduct?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<MutationUpdateProductArgs, 'id' | 'input'>>;
};

export type NodeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Node'] = ResolversParentTypes['Node']> = {
  __resolveType: TypeResolveFn<'Category' | 'Order' | 'Product' | 'Review' | 'Seller' | 'User', ParentType, ContextType>;
};

export type OrderResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order']> = {
  buyer?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  events?: Resolver<Array<ResolversTypes['OrderEvent']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  items?: Resolver<Array<ResolversTypes['OrderItem']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type OrderConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['OrderConnection'] = ResolversParentTypes['OrderConnection']> = {
  edges?: Resolver<Array<ResolversTypes['OrderEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Order']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type OrderEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['OrderEdge'] = ResolversParentTypes['OrderEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Order'], ParentType, ContextType>;
};

export type OrderEventResolvers<ContextType = Context, ParentType extends ResolversParentTypes['OrderEvent'] = ResolversParentTypes['OrderEvent']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['OrderStatus'], ParentType, ContextType>;
};

export type OrderItemResolvers<ContextType = Context, ParentType extends ResolversParentTypes['OrderItem'] = ResolversParentTypes['OrderItem']> = {
  lineTotal?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  quantity?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  unitPrice?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ProductResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product']> = {
  averageRating?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  brand?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  category?: Resolver<ResolversTypes['Category'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  discountPercent?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  images?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  inStock?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  mrp?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  price?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  rating?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  reviewCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  reviews?: Resolver<ResolversTypes['ReviewConnection'], ParentType, ContextType, RequireFields<ProductReviewsArgs, 'first'>>;
  seller?: Resolver<ResolversTypes['Seller'], ParentType, ContextType>;
  stock?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ProductConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ProductConnection'] = ResolversParentTypes['ProductConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ProductEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Product']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ProductEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ProductEdge'] = ResolversParentTypes['ProductEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  categories?: Resolver<Array<ResolversTypes['Category']>, ParentType, ContextType>;
  node?: Resolver<Maybe<ResolversTypes['Node']>, ParentType, ContextType, RequireFields<QueryNodeArgs, 'id'>>;
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType, RequireFields<QueryOrderArgs, 'id'>>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType, RequireFields<QueryProductArgs, 'id'>>;
  products?: Resolver<ResolversTypes['ProductConnection'], ParentType, ContextType, RequireFields<QueryProductsArgs, 'first'>>;
  seller?: Resolver<Maybe<ResolversTypes['Seller']>, ParentType, ContextType, RequireFields<QuerySellerArgs, 'id'>>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QueryUserArgs, 'id'>>;
  viewer?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
};

export type ReviewResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Review'] = ResolversParentTypes['Review']> = {
  author?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  rating?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ReviewConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ReviewConnection'] = ResolversParentTypes['ReviewConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ReviewEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Review']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ReviewEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ReviewEdge'] = ResolversParentTypes['ReviewEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Review'], ParentType, ContextType>;
};

export type SellerResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Seller'] = ResolversParentTypes['Seller']> = {
  averageRating?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  city?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  joinedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  products?: Resolver<ResolversTypes['ProductConnection'], ParentType, ContextType, RequireFields<SellerProductsArgs, 'first'>>;
  rating?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  myOrderUpdates?: SubscriptionResolver<ResolversTypes['Order'], "myOrderUpdates", ParentType, ContextType, Partial<SubscriptionMyOrderUpdatesArgs>>;
  orderUpdated?: SubscriptionResolver<ResolversTypes['Order'], "orderUpdated", ParentType, ContextType, RequireFields<SubscriptionOrderUpdatedArgs, 'orderId'>>;
};

export type UserResolvers<ContextType = Context, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = {
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  orders?: Resolver<ResolversTypes['OrderConnection'], ParentType, ContextType, RequireFields<UserOrdersArgs, 'first'>>;
  reviews?: Resolver<ResolversTypes['ReviewConnection'], ParentType, ContextType, RequireFields<UserReviewsArgs, 'first'>>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  seller?: Resolver<Maybe<ResolversTypes['Seller']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type Resolvers<ContextType = Context> = {
  AuthPayload?: AuthPayloadResolvers<ContextType>;
  Category?: CategoryResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Node?: NodeResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  OrderConnection?: OrderConnectionResolvers<ContextType>;
  OrderEdge?: OrderEdgeResolvers<ContextType>;
  OrderEvent?: OrderEventResolvers<ContextType>;
  OrderItem?: OrderItemResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductConnection?: ProductConnectionResolvers<ContextType>;
  ProductEdge?: ProductEdgeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Review?: ReviewResolvers<ContextType>;
  ReviewConnection?: ReviewConnectionResolvers<ContextType>;
  ReviewEdge?: ReviewEdgeResolvers<ContextType>;
  Seller?: SellerResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = Context> = {
  cacheControl?: CacheControlDirectiveResolver<any, any, ContextType>;
  cost?: CostDirectiveResolver<any, any, ContextType>;
  listSize?: ListSizeDirectiveResolver<any, any, ContextType>;
};
