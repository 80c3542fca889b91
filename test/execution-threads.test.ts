/**
 * Execution threads (SQLite, `EXECUTION_THREADS`, src/graphql/executionPool.ts): the fast path's queries run on
 * worker threads with read-only connections of their own. Where a query runs is not a behaviour: the answers, the
 * privacy of what a viewer may read, what a write just committed, and the statements counted are the same as on the
 * event loop. (test/fast-path.test.ts runs its equivalence cases both ways too.) SQLite only: the postgres project
 * leaves this file out (vitest.config.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAll } from './helpers/accounts.js';
import { pickThread } from '../src/graphql/executionPool.js';
import { startServer, type TestServer } from './helpers/server.js';

const env = { NODE_ENV: 'production', JWT_SECRET: 'e'.repeat(40), RESPONSE_CACHE: 'off' };

const PRODUCT = `query P($id: ID!) { product(id: $id) { id title price { formatted } stock seller { name }
  reviews(first: 3, sort: RATING_DESC) { nodes { rating title author { name } } } } }`;
const ORDER = 'query O($id: ID!) { order(id: $id) { id status total { formatted } } }';
const BUY = `mutation Buy($key: String!) {
  placeOrder(input: { items: [{ productId: "prd_9", quantity: 1 }], idempotencyKey: $key }) { id status } }`;

/** Sends a query until it runs on a thread (its first sight is Apollo's, on the event loop); returns that answer. */
async function onThread(server: TestServer, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const threads = server.app.threads!;
  for (let i = 0; i < 3; i++) {
    const before = threads.executed();
    const res = await server.gql(query, variables, headers);
    if (threads.executed() > before) return res;
  }
  throw new Error('the query never ran on a thread');
}

describe('queries on execution threads answer as on the event loop', () => {
  let threaded: TestServer;
  let inline: TestServer;
  beforeAll(async () => {
    [threaded, inline] = await Promise.all([startServer({ ...env, EXECUTION_THREADS: '2' }), startServer({ ...env, EXECUTION_THREADS: '0' })]);
    await threaded.app.threads!.ready();
  });
  afterAll(async () => {
    await Promise.all([threaded.close(), inline.close()]);
  });

  it('the same data, costs and statements for a product page', async () => {
    expect(inline.app.threads).toBeNull();
    for (const server of [threaded, inline]) await server.gql(PRODUCT, { id: 'prd_3' });
    const there = await threaded.countSql(() => onThread(threaded, PRODUCT, { id: 'prd_3' }));
    const here = await inline.countSql(() => inline.gql(PRODUCT, { id: 'prd_3' }));
    expect(there.result.status).toBe(200);
    expect(there.result.body.data).toEqual(here.result.body.data);
    const cost = (res: typeof here.result) => {
      const { throttleStatus, ...rest } = (res.body as any).extensions.cost;
      return rest;
    };
    expect(cost(there.result)).toEqual(cost(here.result));
    // The thread's statements are counted with the engine's (the N+1 rule and /metrics see them).
    expect(there.statements).toBe(here.statements);
    expect(there.statements).toBeGreaterThan(0);
  });

  it("an order: its buyer reads it on a thread; another buyer is refused, on a thread as on the event loop", async () => {
    const as = await signInAll(threaded);
    await threaded.sql.run('UPDATE products SET stock = 5 WHERE id = 9');
    const placed = await threaded.gql(BUY, { key: 'threads-1' }, as.buyer);
    const id = (placed.body.data as any).placeOrder.id as string;
    const mine = await onThread(threaded, ORDER, { id }, as.buyer);
    expect(mine.body).toMatchObject({ data: { order: { id, status: 'CREATED' } } });
    // Someone else's order: the thread's answer has errors, so Apollo answers it (FORBIDDEN), as without threads.
    const before = threaded.app.threads!.executed();
    const theirs = await threaded.gql(ORDER, { id }, as.buyer2);
    expect(threaded.app.threads!.executed()).toBe(before + 1);
    expect(theirs.body.data).toEqual({ order: null });
    expect(theirs.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('reads what a write committed, at once', async () => {
    await onThread(threaded, PRODUCT, { id: 'prd_4' });
    await threaded.sql.run('UPDATE products SET stock = 7 WHERE id = 4');
    const after = await onThread(threaded, PRODUCT, { id: 'prd_4' });
    expect((after.body.data as any).product.stock).toBe(7);
    await threaded.sql.run('UPDATE products SET stock = 8 WHERE id = 4');
    expect(((await onThread(threaded, PRODUCT, { id: 'prd_4' })).body.data as any).product.stock).toBe(8);
  });

  it('a query that fails on a thread is answered by Apollo, with its errors and nothing charged for the thread', async () => {
    const query = 'query Q($id: ID!) { product(id: $id) { title } }';
    await threaded.gql(query, { id: 'prd_5' }); // seen, without errors
    const before = threaded.app.threads!.executed();
    const res = await threaded.gql(query, { id: 'nope' });
    expect(threaded.app.threads!.executed()).toBe(before + 1); // it ran there, failed, and went to Apollo
    const expected = await inline.gql(query, { id: 'nope' });
    expect(res.status).toBe(expected.status);
    expect(res.body.errors).toEqual(expected.body.errors);
  });
});

describe('execution threads start with the first repeated query and end with the server', () => {
  it('runs nothing on a thread before one has loaded, then everything it can', async () => {
    const server = await startServer({ ...env, EXECUTION_THREADS: '1' });
    const threads = server.app.threads!;
    // Not started until the fast path first offers a query: the first two requests run on the event loop.
    await server.gql(PRODUCT, { id: 'prd_2' });
    const answer = await server.gql(PRODUCT, { id: 'prd_2' });
    expect(answer.status).toBe(200);
    expect(threads.executed()).toBe(0); // offered while the thread was still loading: answered on the event loop
    await threads.ready();
    await onThread(server, PRODUCT, { id: 'prd_2' });
    await server.close();
    // Closed: nothing is offered to a thread any more.
    expect(threads.run(1, PRODUCT, undefined, { id: 'prd_2' }, { id: 'prd_2' }, null, { ip: '127.0.0.1', id: 'x' }, 10)).toBeUndefined();
  });
});

describe('jobs go to as few threads as keep up', () => {
  const load = (jobs: number, jobUs: number, ready = true) => ({ ready, jobs, jobUs });

  it('the first thread takes jobs while less than two milliseconds of them wait there', () => {
    expect(pickThread([load(19, 100), load(0, 100)])).toBe(0);
    expect(pickThread([load(2, 900), load(0, 900)])).toBe(0);
  });

  it('the next thread gets jobs once the first has two milliseconds waiting, the least loaded when all have', () => {
    expect(pickThread([load(3, 900), load(0, 900)])).toBe(1);
    expect(pickThread([load(20, 100), load(1, 300)])).toBe(1);
    expect(pickThread([load(4, 900), load(3, 900)])).toBe(1);
    expect(pickThread([load(3, 900), load(4, 900)])).toBe(0);
  });

  it('skips a thread still loading; none ready is -1', () => {
    expect(pickThread([load(0, 0, false), load(5, 100)])).toBe(1);
    expect(pickThread([load(0, 0, false)])).toBe(-1);
  });
});
