/** A stored timestamp (epoch milliseconds) is written as `Date.prototype.toISOString` writes it (src/timestamps.ts). */
import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../src/timestamps.js';

const YEAR_10000_MS = 253_402_300_800_000;

describe('isoTimestamp writes what toISOString writes', () => {
  it('for 200,000 random instants from 1970 to 9999', () => {
    for (let i = 0; i < 200_000; i++) {
      const ms = Math.floor(Math.random() * YEAR_10000_MS);
      if (isoTimestamp(ms) !== new Date(ms).toISOString()) expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it.each([
    ['the epoch', 0],
    ['the last millisecond of a day', 86_399_999],
    ['a leap day (2000-02-29)', 951_782_400_000],
    ['the day after it', 951_868_800_000],
    ['1900-less century leap rule (2100-03-01)', 4_107_542_400_000],
    ['the last instant of year 9999', YEAR_10000_MS - 1],
    ['year 10000 (another form)', YEAR_10000_MS],
    ['before 1970', -1],
    ['a fraction of a millisecond', 1_700_000_000_123.5],
  ])('at %s', (_what, ms) => {
    expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
  });

  it('throws as toISOString does for what is no instant', () => {
    expect(() => isoTimestamp(Number.NaN)).toThrow(RangeError);
  });
});
