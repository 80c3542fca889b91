/** Input rules for products and reviews: lengths, prices, images. Each failure names its field. */
import { BadUserInputError } from '../errors.js';

export function text(value: string, field: string, min: number, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) {
    throw new BadUserInputError(`"${field}" must be ${min} to ${max} characters.`, field);
  }
  return trimmed;
}

export function intInRange(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(`"${field}" must be a whole number from ${min} to ${max}.`, field);
  }
  return value;
}

/** ₹2 crore: beyond any real listing, and within GraphQL's 32-bit Int. */
export const MAX_PRICE_PAISE = 2_000_000_000;
export const MAX_STOCK = 1_000_000;

export function prices(price: number, mrp: number): void {
  intInRange(price, 'price', 1, MAX_PRICE_PAISE);
  intInRange(mrp, 'mrp', 1, MAX_PRICE_PAISE);
  if (price > mrp) throw new BadUserInputError('"price" must not exceed "mrp".', 'price');
}

export function images(urls: readonly string[]): string[] {
  if (urls.length > 10) throw new BadUserInputError('At most 10 images.', 'images');
  return urls.map((url, i) => {
    if (url.length > 500 || !/^https:\/\/[^\s/]+\/\S*$/.test(url)) {
      throw new BadUserInputError('Images must be https URLs of at most 500 characters.', `images.${i}`);
    }
    return url;
  });
}
