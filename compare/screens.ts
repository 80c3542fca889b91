/**
 * The three screens, each loaded the way a real client would load it: over REST by following `_links` (in
 * parallel wherever nothing has to wait), and over GraphQL as one query. Each way ends in the same view model,
 * what the screen shows, so the tool can check that both ways really loaded the same screen.
 */
import { ok, type Client, type Res } from './http.js';

export interface Screen {
  name: string;
  /** What the screen shows, for the report. */
  shows: string;
  /** The REST waterfall, as a client must follow it. */
  rest(c: Client): Promise<unknown>;
  /** The GraphQL document and variables, and the view model from its data. */
  query: string;
  variables: Record<string, unknown>;
  view(data: any): unknown;
}

const unique = <T>(xs: T[]) => [...new Set(xs)];

/** Fetches each href once, all at once, after `from`; a map from href to resource. */
async function fetchAll(c: Client, hrefs: string[], from: Res): Promise<Map<string, any>> {
  const list = unique(hrefs);
  const got = await Promise.all(list.map((h) => c.get(h, [from]).then((r) => ok(r, h).json)));
  return new Map(list.map((h, i) => [h, got[i]]));
}

export function productPage(productId: string): Screen {
  const view = (p: any, seller: any, reviews: any[]) => ({
    title: p.title,
    price: p.price.formatted,
    mrp: p.mrp.formatted,
    rating: p.rating,
    seller: { name: seller.name, city: seller.city, rating: seller.rating },
    reviews: reviews.map((r) => ({ rating: r.rating, title: r.title, author: r.author })),
  });
  return {
    name: 'Product page',
    shows: 'a product, its seller, and its top five reviews with their authors’ names',
    async rest(c) {
      // The product and its reviews can start together; the seller waits for the product, the authors for the reviews.
      const [[product, seller], [reviews, authors]] = await Promise.all([
        c.get(`/api/v1/products/${productId}`).then(async (p) => {
          ok(p, 'product');
          return [p.json, ok(await c.get(p.json._links.seller.href, [p]), 'seller').json] as const;
        }),
        c.get(`/api/v1/products/${productId}/reviews?limit=5&sort=RATING_DESC`).then(async (r) => {
          ok(r, 'reviews');
          return [r.json.data as any[], await fetchAll(c, r.json.data.map((x: any) => x._links.author.href), r)] as const;
        }),
      ]);
      return view(product, seller, reviews.map((r) => ({ ...r, author: authors.get(r._links.author.href).name })));
    },
    query: `query ProductPage($id: ID!) {
  product(id: $id) {
    id title description brand images
    price { formatted } mrp { formatted } discountPercent inStock rating reviewCount
    seller { id name city rating }
    reviews(first: 5, sort: RATING_DESC) { nodes { id rating title body createdAt author { name } } }
  }
}`,
    variables: { id: productId },
    view: ({ product: p }) => view(p, p.seller, p.reviews.nodes.map((r: any) => ({ ...r, author: r.author.name }))),
  };
}

export function categoryPage(categoryId: string): Screen {
  const view = (products: any[], sellerName: (p: any) => string) =>
    products.map((p) => ({ id: p.id, title: p.title, price: p.price.formatted, rating: p.rating, seller: sellerName(p) }));
  return {
    name: 'Category page',
    shows: '20 products of a category, each with its price, rating and seller’s name',
    async rest(c) {
      const page = ok(await c.get(`/api/v1/products?categoryId=${categoryId}&limit=20`), 'products');
      const sellers = await fetchAll(c, page.json.data.map((p: any) => p._links.seller.href), page);
      return view(page.json.data, (p) => sellers.get(p._links.seller.href).name);
    },
    query: `query CategoryPage($categoryId: ID!) {
  products(first: 20, filter: { categoryId: $categoryId }) {
    pageInfo { hasNextPage endCursor }
    nodes { id title images price { formatted } mrp { formatted } discountPercent rating reviewCount seller { name } }
  }
}`,
    variables: { categoryId },
    view: ({ products }) => view(products.nodes, (p) => p.seller.name),
  };
}

export function orderPage(orderId: string): Screen {
  const view = (o: any, title: (item: any) => string) => ({
    status: o.status,
    total: o.total.formatted,
    items: o.items.map((i: any) => ({ title: title(i), quantity: i.quantity, lineTotal: i.lineTotal.formatted })),
    history: o.events.map((e: any) => e.status),
  });
  return {
    name: 'Order page',
    shows: 'an order, its lines with the products’ titles, and its status history',
    async rest(c) {
      const order = ok(await c.get(`/api/v1/orders/${orderId}`), 'order');
      const products = await fetchAll(c, order.json.items.map((i: any) => i._links.product.href), order);
      return view(order.json, (i) => products.get(i._links.product.href).title);
    },
    query: `query OrderPage($id: ID!) {
  order(id: $id) {
    id status createdAt total { formatted }
    items { quantity unitPrice { formatted } lineTotal { formatted } product { id title images } }
    events { status at note }
  }
}`,
    variables: { id: orderId },
    view: ({ order }) => view(order, (i) => i.product.title),
  };
}
