import { describe, expect, it } from 'vitest';
import { discountPercent, money } from '../src/money.js';

describe('Money is paise, INR, formatted the Indian way', () => {
  it.each([
    [12999900, '₹1,29,999.00'],
    [99, '₹0.99'],
    [100000000, '₹10,00,000.00'],
    [0, '₹0.00'],
  ])('%i paise is %s', (paise, formatted) => {
    expect(money(paise)).toEqual({ amount: paise, currency: 'INR', formatted });
  });

  it('formats the same amount the same way every time, however many amounts came between (the format memo)', () => {
    const reference = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2 });
    for (let paise = 0; paise < 45_000; paise += 1) {
      const once = money(paise * 37);
      expect(once.formatted).toBe(reference.format((paise * 37) / 100));
    }
    expect(money(12999900).formatted).toBe('₹1,29,999.00');
    expect(money(12999900)).not.toBe(money(12999900)); // a fresh object each time: callers may hold it
  });

  it('discount is whole percent below MRP, rounded down, never negative', () => {
    expect(discountPercent(69900, 99900)).toBe(30);
    expect(discountPercent(99900, 99900)).toBe(0);
    expect(discountPercent(100, 99)).toBe(0);
    expect(discountPercent(1, 3)).toBe(66);
  });
});
