/**
 * The requested-cost memo (src/plugins/queryCost/memo.ts) answers exactly what costing the operation afresh
 * answers, whatever the variables: it keys on the variables the cost depends on, and only on those.
 */
import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../src/graphql/schema.js';
import { costVariables, createRequestedCostMemo } from '../src/plugins/queryCost/memo.js';
import { requestedCost } from '../src/plugins/queryCost/requested.js';

const schema = buildSchema(loadTypeDefs().join('\n'));

const LISTING = `query($n: Int, $cat: ID, $q: String, $s: Boolean!, $m: Int) {
  products(first: $n, filter: { categoryId: $cat, search: $q, minPrice: $m }) {
    totalCount nodes { title seller @include(if: $s) { name } } } }`;
const BUY = `mutation Buy($productId: ID!, $key: String!) {
  placeOrder(input: { items: [{ productId: $productId, quantity: 1 }], idempotencyKey: $key }) { id status total { formatted } } }`;

describe('the requested-cost memo', () => {
  it('finds the variables a cost depends on: slicing arguments, @cost arguments, directives', () => {
    const listing = parse(LISTING);
    // products' filter carries @cost (search), so every variable in its arguments counts; $s is in @include.
    expect(costVariables(schema, listing, getOperationAST(listing)!)).toEqual(['cat', 'm', 'n', 'q', 's']);
    const buy = parse(BUY);
    expect(costVariables(schema, buy, getOperationAST(buy)!)).toEqual([]);
    const reviews = parse('query($id: ID!, $k: Int) { product(id: $id) { reviews(first: $k) { nodes { id } } } }');
    expect(costVariables(schema, reviews, getOperationAST(reviews)!)).toEqual(['k']);
  });

  it('answers what a fresh costing answers, for every variable set, once remembered', () => {
    const memo = createRequestedCostMemo(schema, 10_000);
    const document = parse(LISTING);
    const operation = getOperationAST(document)!;
    const sets = [
      { n: 3, s: true },
      { n: 3, s: false },
      { n: 7, s: true, q: 'phone' },
      { s: true }, // first's default
      { n: null, s: true }, // null, not the default
      { n: 3, s: true, cat: 'cat_1', m: 5 },
      { n: 3, s: true }, // again: from the memo
      { s: true, q: 'phone' },
    ];
    for (const variables of [...sets, ...sets]) {
      const fresh = requestedCost(schema, document, operation, variables, 10_000);
      const { result, remember } = memo.cost(document, operation, variables);
      expect(result).toEqual(fresh);
      remember(variables);
    }
  });

  it('costs a mutation once whatever its idempotency key', () => {
    const memo = createRequestedCostMemo(schema, 10_000);
    const document = parse(BUY);
    const operation = getOperationAST(document)!;
    const first = memo.cost(document, operation, { productId: 'prd_1', key: 'a' });
    first.remember({ productId: 'prd_1', key: 'a' });
    const second = memo.cost(document, operation, { productId: 'prd_2', key: 'b' });
    expect(second.result).toEqual(first.result);
    expect(second.remember).not.toBe(first.remember); // served from the memo: nothing to remember
  });
});
