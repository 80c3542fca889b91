/**
 * Products with their reviews. A product and its reviews come out together so the denormalised rating columns
 * (rating_sum, review_count, rating_avg) are computed from exactly the reviews that will be inserted.
 * Each product draws from its own stream (`derive(seed, STREAM.product, id)`).
 */
import type { products, reviews } from '../src/db/schema.js';
import { CATEGORIES, DESCRIPTION_CLOSERS, DESCRIPTION_LINES, PREMIUM_BRANDS, type CategoryData } from './catalog-data.js';
import {
  DAY,
  LAST_LISTING,
  SEED_END,
  STREAM,
  authorId,
  authorPoolSize,
  sellerCity,
  sellerJoinedAt,
  userCreatedAt,
  type SeedPlan,
} from './plan.js';
import { derive, type Rng } from './random.js';
import { REVIEW_SENTENCES, REVIEW_TITLES, sentimentOf } from './review-data.js';

export type ProductInsert = typeof products.$inferInsert;
export type ReviewInsert = typeof reviews.$inferInsert;
export interface ProductWithReviews {
  product: ProductInsert;
  reviews: ReviewInsert[];
}

/** Products 1…5 belong to the demo seller and are in stock, whatever the seed or size. */
const DEMO_STOCKED = 5;
/** 1★…5★ before the per-product quality shift: the J-shape of real marketplaces. */
const BASE_RATING_WEIGHTS = [12, 6, 12, 25, 45];
/** Review counts are log-normal: most products have a handful, a few have dozens or hundreds. */
const REVIEWS_MU = 0.87;
const REVIEWS_SIGMA = 1.3;
const MAX_REVIEWS = 250;

interface Category extends CategoryData {
  brandList: Array<{ name: string; series: string[] }>;
}
const CATALOG: Category[] = CATEGORIES.map((c) => ({
  ...c,
  brandList: c.brands.map((b) => {
    const [name, series] = b.split(':') as [string, string | undefined];
    return { name, series: series ? series.split(',') : [] };
  }),
}));
const CATEGORY_WEIGHTS = CATEGORIES.map((c) => c.weight);

export function* generateProducts(plan: SeedPlan): Generator<ProductWithReviews> {
  let nextReviewId = 1;
  for (let id = 1; id <= plan.products; id++) {
    const row = buildProduct(plan, id, nextReviewId);
    nextReviewId += row.reviews.length;
    yield row;
  }
}

function buildProduct(plan: SeedPlan, id: number, firstReviewId: number): ProductWithReviews {
  const rng = derive(plan.seed, STREAM.product, id);
  // A power law: a few big sellers carry much of the catalog, as on real marketplaces.
  const sellerId = id <= DEMO_STOCKED ? 1 : 1 + Math.floor(plan.sellers * rng.float() ** 1.5);
  // Sellers specialise: most of a seller's listings sit in its main department.
  const categoryIndex = rng.chance(0.7)
    ? derive(plan.seed, STREAM.sellerCategory, sellerId).weightedIndex(CATEGORY_WEIGHTS)
    : rng.weightedIndex(CATEGORY_WEIGHTS);
  const cat = CATALOG[categoryIndex]!;
  const brand = rng.chance(0.05) ? null : rng.pick(cat.brandList);
  const series = brand && brand.series.length > 0 ? fillChoices(rng, rng.pick(brand.series)) : null;
  const title = [brand?.name, series, rng.pick(cat.items)].filter(Boolean).join(' ') + ` (${rng.pick(cat.variants)})`;

  const [low, high] = cat.mrp;
  // Position in the band on a log scale: skewed cheap, as catalogs are, except for premium brands.
  const position = brand && PREMIUM_BRANDS.has(brand.name) ? 0.45 + 0.55 * rng.float() : rng.float() ** 1.4;
  const mrp = roundPrice(low * (high / low) ** position, Math.round);
  const discount = rng.chance(0.18) ? 0 : 0.05 + 0.65 * rng.float() ** 1.5;
  const discounted = roundPrice(mrp * (1 - discount), Math.floor);
  const price = discounted > 0 ? discounted : mrp;

  const stock =
    id <= DEMO_STOCKED ? rng.int(20, 200) : rng.chance(0.08) ? 0 : Math.min(500, 1 + Math.floor(500 * rng.float() ** 2));
  const joinedAt = sellerJoinedAt(plan, sellerId);
  const createdAt = joinedAt + Math.floor(rng.float() * (LAST_LISTING - joinedAt));
  const updatedAt = rng.chance(0.3) ? createdAt + Math.floor(rng.float() * (SEED_END - createdAt)) : createdAt;
  const imageCount = rng.int(1, 4);
  const images = Array.from({ length: imageCount }, (_, n) => `https://img.example.com/p/${id}/${n + 1}.jpg`);
  const description = describe(rng, cat, brand?.name ?? null, sellerCity(plan, sellerId));

  // Hidden quality: good products collect more and better reviews.
  const quality = Math.max(-1.5, Math.min(1.5, 0.6 * rng.normal()));
  const wanted = Math.floor(Math.exp(REVIEWS_MU + 0.25 * quality + REVIEWS_SIGMA * rng.normal()));
  const count = Math.min(wanted, MAX_REVIEWS, authorPoolSize(plan));
  const productReviews = buildReviews(rng, plan, { id, createdAt, quality, count, thing: cat.thing, firstReviewId });
  const ratingSum = productReviews.reduce((sum, r) => sum + r.rating, 0);

  return {
    product: {
      id,
      sellerId,
      categoryId: categoryIndex + 1,
      title,
      description,
      brand: brand?.name ?? null,
      images,
      pricePaise: price * 100,
      mrpPaise: mrp * 100,
      stock,
      ratingSum,
      reviewCount: productReviews.length,
      ratingAvg: productReviews.length > 0 ? ratingSum / productReviews.length : 0,
      createdAt,
      updatedAt,
    },
    reviews: productReviews,
  };
}

interface ReviewContext {
  id: number;
  createdAt: number;
  quality: number;
  count: number;
  thing: string;
  firstReviewId: number;
}

function buildReviews(rng: Rng, plan: SeedPlan, p: ReviewContext): ReviewInsert[] {
  // Quality tilts the J-shape: +q favours 5★ by e^q and shrinks 1★ by e^-q; 3★ stays put.
  const weights = BASE_RATING_WEIGHTS.map((w, i) => w * Math.exp(p.quality * (i - 2) * 0.5));
  const pool = authorPoolSize(plan);
  const authors = new Set<number>(); // at most one review per (author, product)
  while (authors.size < p.count) authors.add(authorId(plan, rng.int(0, pool - 1)));
  const out: ReviewInsert[] = [];
  for (const author of authors) {
    const rating = 1 + rng.weightedIndex(weights);
    const sentiment = sentimentOf(rating);
    const from = Math.max(p.createdAt, userCreatedAt(plan, author)) + DAY / 24;
    // Squared: reviews bunch up in the weeks after a listing goes live.
    const createdAt = from + Math.floor(rng.float() ** 2 * (SEED_END - from));
    const sentences = pickDistinct(rng, REVIEW_SENTENCES[sentiment], rng.int(1, 3));
    out.push({
      id: 0,
      productId: p.id,
      authorId: author,
      rating,
      title: rng.chance(0.85) ? rng.pick(REVIEW_TITLES[sentiment]) : null,
      body: sentences.join(' ').replaceAll('{thing}', p.thing),
      createdAt,
    });
  }
  // Review ids follow time within a product, as they would had they been written live.
  out.sort((a, b) => a.createdAt - b.createdAt);
  out.forEach((r, i) => (r.id = p.firstReviewId + i));
  return out;
}

function describe(rng: Rng, cat: Category, brand: string | null, city: string): string {
  const [f1, f2, f3] = pickDistinct(rng, cat.features, 3);
  const opening = rng.pick([
    `Comes with ${f1} and ${f2}.`,
    `Key highlights: ${f1}, ${f2} and ${f3}.`,
    brand ? `From ${brand}, with ${f1} and ${f2}.` : `Offers ${f1} and ${f2}.`,
  ]);
  const parts = [opening, rng.pick(DESCRIPTION_LINES)];
  if (rng.chance(0.6)) parts.push(rng.pick(DESCRIPTION_CLOSERS).replace('{city}', city));
  return parts.join(' ');
}

function pickDistinct<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const picked: T[] = [];
  while (picked.length < Math.min(n, items.length)) {
    const item = rng.pick(items);
    if (!picked.includes(item)) picked.push(item);
  }
  return picked;
}

/** `Rockerz {255|450}` → `Rockerz 450`. */
function fillChoices(rng: Rng, series: string): string {
  return series.replace(/\{([^}]*)\}/g, (_, choices: string) => rng.pick(choices.split('|')));
}

/** Rupee prices end the way shops price them: ₹99, ₹449, ₹1,299, ₹24,499, ₹1,49,999. */
function roundPrice(rupees: number, round: (x: number) => number): number {
  const step = rupees < 200 ? 10 : rupees < 1000 ? 50 : rupees < 10_000 ? 100 : rupees < 50_000 ? 500 : 1000;
  return round((rupees + 1) / step) * step - 1;
}
