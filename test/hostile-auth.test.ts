/**
 * Hostile traffic (issue 11), passwords and accounts: a password check is priced (100 points, as REST's login),
 * one per request, and never takes more than half of libuv's threads (item 4); a client's sign-ups are throttled,
 * and a request is charged and refunded to the bucket it started with, even when it signs someone in (item 7).
 */
import { stat } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { KDF_CONCURRENCY, kdfStats } from '../src/auth/password.js';
import { codesOf, startServer, type GraphQLResponse, type TestServer } from './helpers/server.js';

const costOf = (res: GraphQLResponse) => (res.body as any).extensions?.cost;
const LOG_IN = 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }';
const demo = { e: 'buyer@example.com', p: 'demo-password' };

describe('password checks are priced, one per request, and leave the thread pool to others (item 4)', () => {
  const now = 1_800_000_000_000;
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT_ANON_MAX: '1000', TRUST_PROXY: 'on' }, { clock: () => now });
  });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('logIn costs 100 points, and REST’s POST /auth/login as much', async () => {
    const res = await server.gql(LOG_IN, demo, from('10.0.0.1'));
    expect(costOf(res)).toMatchObject({ requestedQueryCost: 100, actualQueryCost: 100 });
    expect(costOf(res).throttleStatus.currentlyAvailable).toBe(900);
    const rest = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...from('10.0.0.2') },
      body: JSON.stringify({ email: demo.e, password: demo.p }),
    });
    expect(rest.status).toBe(200);
    const after = await server.gql('{ __typename }', {}, from('10.0.0.2'));
    expect(costOf(after).throttleStatus.currentlyAvailable).toBe(900);
  });

  it('two password mutations in one request, aliased or batched, are refused before any hashing', async () => {
    const started = Date.now();
    const aliased = await server.gql(
      `mutation { a: logIn(email: "buyer@example.com", password: "x") { accessToken } b: logIn(email: "buyer@example.com", password: "y") { accessToken } }`,
      {},
      from('10.0.0.3'),
    );
    expect(codesOf(aliased)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(aliased.body.errors![0]!.extensions).toMatchObject({ limit: 'passwordChecks', max: 1, passwordChecks: 2 });
    const batch = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...from('10.0.0.4') },
      body: JSON.stringify([
        { query: LOG_IN, variables: demo },
        { query: LOG_IN, variables: demo },
      ]),
    });
    const answers = (await batch.json()) as any[];
    expect(answers.filter((a) => a.errors?.[0]?.extensions?.limit === 'passwordChecks')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  // Eight password checks, two at a time: under shared-core load each may take seconds, hence the timeout.
  it(`while eight sign-ins hash at once, at most ${KDF_CONCURRENCY} use libuv threads and file work still gets one`, async () => {
    let mostRunning = 0;
    let slowestStat = 0;
    let done = false;
    const logins = Promise.all(
      Array.from({ length: 8 }, (_, i) => server.gql(LOG_IN, demo, from(`10.1.0.${i}`))),
    ).finally(() => (done = true));
    while (!done) {
      mostRunning = Math.max(mostRunning, kdfStats().running);
      const t = performance.now();
      await stat(import.meta.filename); // a thread-pool task
      slowestStat = Math.max(slowestStat, performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const res of await logins) expect(res.body.errors).toBeUndefined();
    expect(mostRunning).toBeGreaterThan(0);
    expect(mostRunning).toBeLessThanOrEqual(KDF_CONCURRENCY);
    // With every thread hashing (the code before), a stat waited for a whole derivation (~0.4 s or more).
    expect(slowestStat).toBeLessThan(250);
  }, 120_000);
});

describe('sign-ups are throttled per client and paid from the bucket they started with (item 7)', () => {
  const now = 1_800_000_000_000;
  let server: TestServer;
  beforeAll(async () => {
    // The contract's anonymous bucket and the default sign-up burst (3).
    server = await startServer({ RATE_LIMIT_ANON_MAX: '1000', SIGNUP_BURST: '3' }, { clock: () => now });
  });
  const SIGN_UP = 'mutation($i: SignUpInput!) { signUp(input: $i) { accessToken user { id } } }';
  const signUp = (n: number) => server.gql(SIGN_UP, { i: { name: `Shopper ${n}`, email: `shopper${n}@example.in`, password: 'long enough' } });

  it('the anonymous bucket pays for a sign-up and gets its refund, not the new account’s bucket', async () => {
    const res = await signUp(1);
    expect(res.body.errors).toBeUndefined();
    const cost = costOf(res);
    // signUp (100) + user (1)
    expect(cost).toMatchObject({ requestedQueryCost: 101, actualQueryCost: 101 });
    expect(cost.throttleStatus).toMatchObject({ maximumAvailable: 1000, currentlyAvailable: 899 });
    const anonymous = costOf(await server.gql('{ __typename }')).throttleStatus;
    expect(anonymous).toMatchObject({ maximumAvailable: 1000, currentlyAvailable: 899 });
  });

  it('after SIGNUP_BURST sign-ups a client waits (RATE_LIMITED, retryAfterMs), and nothing is created', async () => {
    expect((await signUp(2)).body.errors).toBeUndefined();
    expect((await signUp(3)).body.errors).toBeUndefined();
    const users = () => server.sql.value<number>('select count(*) from users');
    const before = await users();
    const fourth = await signUp(4);
    expect(codesOf(fourth)).toEqual(['RATE_LIMITED']);
    expect(fourth.body.errors![0]!.extensions!.retryAfterMs).toBeGreaterThan(0);
    expect(await users()).toBe(before);
  });
});
