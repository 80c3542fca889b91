/** Input rules for products and reviews: lengths, prices, images. Each failure names its field. */
import { BadUserInputError } from '../errors.js';

/**
 * Characters no text field may hold: C0 and C1 controls (NUL among them) but tab and line breaks, DEL, and the
 * bidirectional overrides and isolates that make a title read differently from what it is (U+202A–202E,
 * U+2066–2069, U+200E–200F, U+061C).
 */
export const FORBIDDEN_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function text(value: string, field: string, min: number, max: number): string {
  if (FORBIDDEN_CHARS.test(value)) {
    throw new BadUserInputError(`"${field}" must not contain control characters or bidirectional overrides.`, field);
  }
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
    if (url.length > 500 || !isWebUrl(url)) {
      throw new BadUserInputError('Images must be http(s) URLs of at most 500 characters.', `images.${i}`);
    }
    return url;
  });
}

/** An absolute http(s) URL with a host, nothing a browser would read differently (no spaces, controls, credentials). */
function isWebUrl(raw: string): boolean {
  if (/[\s\u0000-\u001f\u007f-\u009f\\]/.test(raw) || FORBIDDEN_CHARS.test(raw)) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username && !url.password && raw.toLowerCase().startsWith(`${url.protocol}//`);
}
