/**
 * The JSON schemas of the REST resources, added once to the plugin's scope (`addSchema`) and referenced by `$id`
 * (`{ $ref: 'Product#' }`). fastify serializes responses with them; @fastify/swagger turns them into
 * `components.schemas` of the OpenAPI document, examples included. Field names and IDs are GraphQL's; relations
 * are `…Id` fields plus `_links`.
 */
import { ErrorCode } from '../errors.js';
import { ORDER_STATUSES, ROLES } from '../db/schema.js';

type Schema = Record<string, unknown>;

const str = (description: string, examples?: unknown[]): Schema => ({ type: 'string', description, ...(examples && { examples }) });
const int = (description: string): Schema => ({ type: 'integer', description });
const nullable = (type: string, description: string): Schema => ({ type: [type, 'null'], description });
const ref = (id: string): Schema => ({ $ref: `${id}#` });
const dateTime = (description: string): Schema => ({ type: 'string', format: 'date-time', description });
/** A field going away (JSON Schema's `deprecated`): still sent until its sunset, listed in CHANGELOG.md. */
const deprecatedField = (schema: Schema): Schema => ({ ...schema, deprecated: true });

function object(id: string | null, description: string, properties: Record<string, Schema>, examples?: unknown[]): Schema {
  return {
    ...(id && { $id: id }),
    type: 'object',
    description,
    required: Object.keys(properties),
    properties,
    ...(examples && { examples }),
  };
}

/** `_links`: each named relation is `{ href }`; these are always present. */
const links = (...names: string[]): Schema =>
  object(null, 'HAL-style links to this resource and its relations.', Object.fromEntries(names.map((n) => [n, ref('Link')])));

const link = (href: string) => ({ href });
const inr = (amount: number, formatted: string) => ({ amount, currency: 'INR', formatted });

const Link = object('Link', 'A link to another resource of this API.', { href: str('A path under /api/v1.', ['/api/v1/products/prd_1']) });

const Money = object('Money', 'An amount in Indian rupees, as in GraphQL.', {
  amount: int('Minor units (paise): 129999 is ₹1,299.99.'),
  currency: str('ISO 4217 code; always INR.', ['INR']),
  formatted: str('Written the Indian way, with lakh grouping.', ['₹1,29,999.00']),
});

const PageInfo = object('PageInfo', 'Where this page sits in its list.', {
  hasNextPage: { type: 'boolean', description: 'True when more items follow.' },
  endCursor: nullable('string', 'Pass as `after` for the next page; null for an empty page.'),
});

const ErrorBody = {
  $id: 'Error',
  type: 'object',
  description: 'Every error: the GraphQL error code, a message for people, and the offending field when there is one.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.values(ErrorCode) },
        message: { type: 'string' },
        field: { type: 'string', description: 'The parameter, header or body field at fault.' },
        retryAfterMs: { type: 'integer', description: 'With RATE_LIMITED: when to try again.' },
      },
    },
  },
  examples: [{ error: { code: 'BAD_USER_INPUT', message: '"limit" must be <= 100.', field: 'limit' } }],
};

const productExample = {
  id: 'prd_1',
  title: 'boAt Rockerz 450 Bluetooth Headphones',
  description: 'Wireless on-ear headphones with 15 hours of playback.',
  brand: 'boAt',
  images: ['https://img.example.in/prd_1/1.jpg'],
  categoryId: 'cat_3',
  sellerId: 'sel_7',
  price: inr(149900, '₹1,499.00'),
  mrp: inr(399000, '₹3,990.00'),
  discountPercent: 62,
  stock: 120,
  inStock: true,
  averageRating: 4.21,
  rating: 4.21,
  reviewCount: 38,
  createdAt: '2025-11-02T10:15:00.000Z',
  _links: {
    self: link('/api/v1/products/prd_1'),
    seller: link('/api/v1/sellers/sel_7'),
    category: link('/api/v1/categories/cat_3'),
    reviews: link('/api/v1/products/prd_1/reviews'),
  },
};

const Product = object(
  'Product',
  'A product listed by a seller.',
  {
    id: str('`prd_…`', ['prd_1']),
    title: str('The listing title.'),
    description: str("The seller's description."),
    brand: nullable('string', 'Null for unbranded goods.'),
    images: { type: 'array', items: { type: 'string' }, description: 'Image URLs, main image first.' },
    categoryId: str('`cat_…`'),
    sellerId: str('`sel_…`'),
    price: ref('Money'),
    mrp: ref('Money'),
    discountPercent: int('Below MRP, in whole percent (rounded down).'),
    stock: int('Units available to order.'),
    inStock: { type: 'boolean' },
    averageRating: nullable('number', 'Average review rating, 1 to 5, to two decimals; null with no reviews.'),
    rating: deprecatedField(nullable('number', 'Deprecated: the same value as `averageRating`, which replaces it.')),
    reviewCount: int('How many reviews it has.'),
    createdAt: dateTime('When it was listed.'),
    _links: links('self', 'seller', 'category', 'reviews'),
  },
  [productExample],
);

const Seller = object(
  'Seller',
  'A shop on the marketplace.',
  {
    id: str('`sel_…`'),
    name: str("The shop's name."),
    city: nullable('string', 'The city it ships from.'),
    averageRating: nullable('number', "Average rating of its products' reviews, to two decimals; null with none."),
    rating: deprecatedField(nullable('number', 'Deprecated: the same value as `averageRating`, which replaces it.')),
    joinedAt: dateTime('When it joined.'),
    _links: links('self', 'products'),
  },
  [
    {
      id: 'sel_7',
      name: 'Sharma Electronics',
      city: 'Jaipur',
      averageRating: 4.08,
      rating: 4.08,
      joinedAt: '2023-04-18T00:00:00.000Z',
      _links: { self: link('/api/v1/sellers/sel_7'), products: link('/api/v1/products?sellerId=sel_7') },
    },
  ],
);

const Review = object(
  'Review',
  "A buyer's review of a product. The author is a link: fetch `/users/{authorId}` for the name.",
  {
    id: str('`rev_…`'),
    rating: int('Stars, 1 to 5.'),
    title: nullable('string', 'A one-line summary.'),
    body: str('The review text.'),
    authorId: str('`usr_…`'),
    productId: str('`prd_…`'),
    createdAt: dateTime('When it was written.'),
    _links: links('self', 'author', 'product'),
  },
  [
    {
      id: 'rev_12',
      rating: 5,
      title: 'Great bass',
      body: 'Comfortable for long calls, battery lasts a week.',
      authorId: 'usr_40',
      productId: 'prd_1',
      createdAt: '2026-01-09T08:30:00.000Z',
      _links: { self: link('/api/v1/reviews/rev_12'), author: link('/api/v1/users/usr_40'), product: link('/api/v1/products/prd_1') },
    },
  ],
);

const User = {
  ...object('User', 'A user. `email` only to the user themself and to admins (null to everyone else).', {
    id: str('`usr_…`'),
    name: str('The display name.'),
    role: { type: 'string', enum: [...ROLES] },
    email: nullable('string', 'Private: the user and admins only.'),
    sellerId: nullable('string', 'The seller a SELLER user runs; null for others.'),
    _links: {
      ...links('self'),
      properties: { self: ref('Link'), seller: ref('Link') },
      description: '`seller` only for SELLER users.',
    },
  }),
  examples: [
    { id: 'usr_40', name: 'Priya Nair', role: 'BUYER', email: null, sellerId: null, _links: { self: link('/api/v1/users/usr_40') } },
  ],
};

const Category = object(
  'Category',
  'A department of the catalog.',
  {
    id: str('`cat_…`'),
    name: str('Its display name.'),
    slug: str('URL-safe, unique.'),
    _links: links('self', 'products'),
  },
  [
    {
      id: 'cat_3',
      name: 'Headphones',
      slug: 'headphones',
      _links: { self: link('/api/v1/categories/cat_3'), products: link('/api/v1/products?categoryId=cat_3') },
    },
  ],
);

const OrderItem = object(null, 'One line of an order; the price is the one captured when it was placed.', {
  productId: str('`prd_…`'),
  quantity: int('1 to 10.'),
  unitPrice: ref('Money'),
  lineTotal: ref('Money'),
  _links: links('product'),
});

const OrderEvent = object(null, 'One step of the status history.', {
  id: str('`evt_…`, increasing across all orders.'),
  status: { type: 'string', enum: [...ORDER_STATUSES] },
  at: dateTime('When it happened.'),
  note: nullable('string', 'Why, when someone said.'),
});

const Order = object(
  'Order',
  "An order: its lines and its status history are part of it. Visible to its buyer, a seller of its items and admins.",
  {
    id: str('`ord_…`'),
    status: { type: 'string', enum: [...ORDER_STATUSES] },
    buyerId: str('`usr_…`'),
    items: { type: 'array', items: OrderItem },
    total: ref('Money'),
    events: { type: 'array', items: OrderEvent },
    createdAt: dateTime('When it was placed.'),
    updatedAt: dateTime('When its status last changed.'),
    _links: {
      ...links('self', 'buyer'),
      properties: { self: ref('Link'), buyer: ref('Link'), cancel: ref('Link') },
      description: '`cancel` (POST) only for the buyer, and only while the order can still be cancelled.',
    },
  },
  [
    {
      id: 'ord_3',
      status: 'CREATED',
      buyerId: 'usr_1',
      items: [{ productId: 'prd_1', quantity: 2, unitPrice: inr(149900, '₹1,499.00'), lineTotal: inr(299800, '₹2,998.00'), _links: { product: link('/api/v1/products/prd_1') } }],
      total: inr(299800, '₹2,998.00'),
      events: [{ id: 'evt_9', status: 'CREATED', at: '2026-02-01T12:00:00.000Z', note: null }],
      createdAt: '2026-02-01T12:00:00.000Z',
      updatedAt: '2026-02-01T12:00:00.000Z',
      _links: { self: link('/api/v1/orders/ord_3'), buyer: link('/api/v1/users/usr_1'), cancel: link('/api/v1/orders/ord_3/cancel') },
    },
  ],
);

const Tokens = object(
  'Tokens',
  'A signed-in session: send `Authorization: Bearer <accessToken>`.',
  {
    accessToken: str('A JWT (HS256); expires after `expiresIn` seconds.'),
    refreshToken: str('Exchange it with GraphQL `refreshSession` for a new pair; each works once.'),
    expiresIn: int('Seconds until the access token expires.'),
    userId: str('`usr_…`: who is signed in.'),
    _links: links('user'),
  },
  [{ accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…', refreshToken: 'm0Hk…', expiresIn: 900, userId: 'usr_1', _links: { user: link('/api/v1/users/usr_1') } }],
);

/** A page of a list: `{ data, pageInfo, _links: { self, next? } }`. */
function list(id: string, item: string): Schema {
  return {
    $id: id,
    type: 'object',
    description: `A page of ${item} resources; follow \`_links.next\` (or pass \`pageInfo.endCursor\` as \`after\`) for the next.`,
    required: ['data', 'pageInfo', '_links'],
    properties: {
      data: { type: 'array', items: ref(item) },
      pageInfo: ref('PageInfo'),
      _links: {
        type: 'object',
        required: ['self'],
        properties: { self: ref('Link'), next: ref('Link') },
        description: '`next` only when there is a next page.',
      },
    },
  };
}

/** Every shared schema, in an order where each is added after those it references. */
export const SHARED_SCHEMAS: Schema[] = [
  Link,
  Money,
  PageInfo,
  ErrorBody,
  Product,
  Seller,
  Review,
  User,
  Category,
  Order,
  Tokens,
  list('ProductList', 'Product'),
  list('ReviewList', 'Review'),
  list('CategoryList', 'Category'),
];
