/**
 * Parsing and validating a document costs the server in proportion to its size, whatever it turns out to be (valid,
 * invalid, or refused by a limit). So a document is priced by its length and that price is spent from the caller's
 * bucket before it is parsed: the first admission step of every way in (the /graphql route for HTTP and batches,
 * the WebSocket guard for subscriptions). It is not refunded, and it is not part of `extensions.cost` (which prices
 * what the operation selects); `throttleStatus` shows it taken.
 *
 * Small documents, every screen's query, are free, so the common path costs nothing more.
 */
import type { Caller, RateLimiter } from '../rateLimit/index.js';

/** Characters of a document that parse for free. @default 2048 */
export const FREE_DOCUMENT_CHARS = 2048;
/** Each further started block of this many characters costs one point. @default 1024 */
export const CHARS_PER_POINT = 1024;

/** The price of parsing and validating these document texts (a batch's, or one). */
export function documentPrice(texts: Iterable<string | undefined>): number {
  let points = 0;
  for (const text of texts) {
    if (text && text.length > FREE_DOCUMENT_CHARS) points += Math.ceil((text.length - FREE_DOCUMENT_CHARS) / CHARS_PER_POINT);
  }
  return points;
}

/**
 * Spends the documents' price from the caller's bucket, before anything parses them; throws `RateLimitedError`
 * (nothing taken) when the bucket holds less. Resolves to the price spent.
 */
export async function admitDocuments(rateLimiter: RateLimiter, caller: Caller, texts: Iterable<string | undefined>): Promise<number> {
  const price = documentPrice(texts);
  if (price > 0) await rateLimiter.spend(caller, price);
  return price;
}
