/**
 * `npm run compare [-- --products 2000 --iterations 200 --warmup 20 --out compare/report.md]`: seeds a catalog,
 * starts the server, signs in, places an order, then loads a product page, a category page and an order page
 * through the REST shim and through GraphQL, and reports requests, bytes and latency side by side.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Approach } from './approaches.js';
import { Client, ok } from './http.js';
import { measureScreen, type ScreenResult } from './measure.js';
import { markdown, terminalTables } from './report.js';
import { categoryPage, orderPage, productPage } from './screens.js';
import { cleanUp, seed, startServer } from './server.js';

const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '2000' },
    iterations: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    out: { type: 'string', default: 'compare/report.md' },
  },
});
const count = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got "${values[name]}")`);
  return n;
};
const products = count('products');
const iterations = count('iterations');
const warmup = count('warmup');

const log = (s: string) => process.stderr.write(`${s}\n`);

log(`seeding ${products} products…`);
const seeded = await seed(products);
const servers: { stop(): Promise<void> }[] = [];
try {
  const computing = await startServer(seeded.file, { RESPONSE_CACHE: 'off' });
  servers.push(computing);
  const caching = await startServer(seeded.file, { RESPONSE_CACHE: 'on' });
  servers.push(caching);

  const buyer = await logIn(computing.url, 'buyer@example.com');
  const orderId = await placeOrder(computing.url, buyer, await logIn(computing.url, 'admin@example.com'), seeded.orderProductIds);

  const screens = [productPage(seeded.productId), categoryPage(seeded.categoryId), orderPage(orderId)];
  const results: ScreenResult[] = [];
  for (const screen of screens) {
    log(`measuring ${screen.name.toLowerCase()}…`);
    results.push(
      await measureScreen(screen, {
        baseOf: (a: Approach) => (a.key === 'persisted' ? caching.url : computing.url),
        token: buyer,
        warmup,
        iterations,
      }),
    );
  }

  const args = process.argv.slice(2).join(' ');
  const report = markdown(results, {
    command: `npm run compare${args ? ` -- ${args}` : ''}`,
    products,
    iterations,
    warmup,
    date: new Date(),
  });
  writeFileSync(values.out!, report);
  console.log(terminalTables(results));
  log(`\nreport written to ${values.out}`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  cleanUp(seeded);
}

async function logIn(base: string, email: string): Promise<string> {
  const c = new Client({ base, encoding: 'identity' });
  try {
    return ok(await c.post('/api/v1/auth/login', { email, password: 'demo-password' }), `log in ${email}`).json.accessToken;
  } finally {
    c.close();
  }
}

/** An order of three lines that has moved along twice, so the order page has a history to show. */
async function placeOrder(base: string, buyer: string, admin: string, productIds: string[]): Promise<string> {
  const asBuyer = new Client({ base, encoding: 'identity', token: buyer });
  const asAdmin = new Client({ base, encoding: 'identity', token: admin });
  try {
    const items = productIds.map((productId, i) => ({ productId, quantity: i + 1 }));
    const order = ok(await asBuyer.post('/api/v1/orders', { items }, [], { 'idempotency-key': 'compare-order' }), 'place order');
    for (const status of ['CONFIRMED', 'PACKED']) {
      const moved = await asAdmin.post('/graphql', {
        query: 'mutation($id: ID!, $s: OrderStatus!) { updateOrderStatus(id: $id, status: $s) { status } }',
        variables: { id: order.json.id, s: status },
      });
      if (moved.json.errors) throw new Error(`move order: ${JSON.stringify(moved.json.errors)}`);
    }
    return order.json.id;
  } finally {
    asBuyer.close();
    asAdmin.close();
  }
}
