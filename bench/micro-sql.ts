import BetterSqlite3 from 'better-sqlite3';
import { openSqlite } from '../src/db/sqlite.js';
import * as products from '../src/data/products.js';
import * as catalog from '../src/data/catalog.js';
import * as reviews from '../src/data/reviews.js';

const file = process.argv[2]!;
const engine = openSqlite(file);
const raw = new BetterSqlite3(file, { readonly: true });
const pid = 2;
const N = 3000;
const q = {
  products: raw.prepare(`select id, seller_id, category_id, title, description, brand, images, price_paise, mrp_paise, stock, review_count, rating_avg, created_at from products where id in (select value from json_each(?))`),
  sellers: raw.prepare('select id, name, city from sellers where id in (select value from json_each(?))'),
  users: raw.prepare('select id, name from users where id in (select value from json_each(?))'),
  sellerRatings: raw.prepare(`select seller_id, sum(rating_sum) as sum, sum(review_count) as n from products where seller_id in (select value from json_each(?)) group by seller_id`),
  topReviews: raw.prepare(`select r.id, r.product_id, r.author_id, r.rating, r.title, r.body, r.created_at from json_each(?) p join reviews r on r.id in (select id from reviews where product_id = p.value order by rating desc, id desc limit ?) order by r.product_id, r.rating desc, r.id desc`),
};
async function ours() {
  const [p] = await products.productsByIds(engine, [pid]);
  const s = await catalog.sellersByIds(engine, [p!.sellerId]);
  await products.sellerRatings(engine, [p!.sellerId]);
  const pages = await reviews.reviewPagesByParent(engine, 'productId', [pid], 'RATING_DESC', { first: 5, after: null });
  const authors = [...new Set(pages.get(pid)!.map((r) => r.authorId))];
  await catalog.usersByIds(engine, authors);
  return s;
}
function peer() {
  const [p] = q.products.all(JSON.stringify([pid])) as any[];
  q.sellers.all(JSON.stringify([p.seller_id]));
  q.sellerRatings.all(JSON.stringify([p.seller_id]));
  const rs = q.topReviews.all(JSON.stringify([pid]), 6) as any[];
  q.users.all(JSON.stringify([...new Set(rs.map((r) => r.author_id))]));
}
const time = async (name: string, fn: () => unknown) => {
  for (let i = 0; i < 300; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < N; i++) await fn();
  console.log(name, (((performance.now() - t) / N) * 1000).toFixed(1), 'µs per page');
};
for (let r = 0; r < 3; r++) {
  await time('ours', ours);
  await time('peer', peer);
}
// per statement
const one = async (name: string, fn: () => unknown) => {
  const t = performance.now();
  for (let i = 0; i < N; i++) await fn();
  console.log('  ', name, (((performance.now() - t) / N) * 1000).toFixed(1), 'µs');
};
const sid = (await products.productsByIds(engine, [pid]))[0]!.sellerId;
await one('ours products', () => products.productsByIds(engine, [pid]));
await one('peer products', () => q.products.all(JSON.stringify([pid])));
await one('ours sellers', () => catalog.sellersByIds(engine, [sid]));
await one('peer sellers', () => q.sellers.all(JSON.stringify([sid])));
await one('ours ratings', () => products.sellerRatings(engine, [sid]));
await one('peer ratings', () => q.sellerRatings.all(JSON.stringify([sid])));
await one('ours reviews', () => reviews.reviewPagesByParent(engine, 'productId', [pid], 'RATING_DESC', { first: 5, after: null }));
await one('peer reviews', () => q.topReviews.all(JSON.stringify([pid]), 6));
await one('ours users', () => catalog.usersByIds(engine, [1, 2, 3, 4, 5]));
await one('peer users', () => q.users.all(JSON.stringify([1, 2, 3, 4, 5])));
