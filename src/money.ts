/** Money as the contract shapes it: paise, the currency, and the Indian way of writing it (₹1,29,999.00). */
export interface Money {
  amount: number;
  currency: 'INR';
  formatted: string;
}

const INR = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2 });

export function money(paise: number): Money {
  return { amount: paise, currency: 'INR', formatted: INR.format(paise / 100) };
}

/** Whole-percent discount of price against MRP, rounded down so we never overstate it. */
export function discountPercent(pricePaise: number, mrpPaise: number): number {
  if (mrpPaise <= 0 || pricePaise >= mrpPaise) return 0;
  return Math.floor(((mrpPaise - pricePaise) * 100) / mrpPaise);
}
