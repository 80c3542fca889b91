/** Money as the contract shapes it: paise, the currency, and the Indian way of writing it (₹1,29,999.00). */
export interface Money {
  amount: number;
  currency: 'INR';
  formatted: string;
}

const INR = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2 });

/**
 * Formatted amounts by paise: Intl's `format` costs about a microsecond, and a catalog's prices repeat request after
 * request (a listing formats 40). Bounded: emptied when it reaches FORMATTED_MAX entries (about 2 MB).
 */
const formatted = new Map<number, string>();
const FORMATTED_MAX = 20_000;

export function money(paise: number): Money {
  let text = formatted.get(paise);
  if (text === undefined) {
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    formatted.set(paise, (text = INR.format(paise / 100)));
  }
  return { amount: paise, currency: 'INR', formatted: text };
}

/** Whole-percent discount of price against MRP, rounded down so we never overstate it. */
export function discountPercent(pricePaise: number, mrpPaise: number): number {
  if (mrpPaise <= 0 || pricePaise >= mrpPaise) return 0;
  return Math.floor(((mrpPaise - pricePaise) * 100) / mrpPaise);
}
