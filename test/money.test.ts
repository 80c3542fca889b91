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

  it('discount is whole percent below MRP, rounded down, never negative', () => {
    expect(discountPercent(69900, 99900)).toBe(30);
    expect(discountPercent(99900, 99900)).toBe(0);
    expect(discountPercent(100, 99)).toBe(0);
    expect(discountPercent(1, 3)).toBe(66);
  });
});
