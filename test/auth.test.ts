/** Accounts and authentication against the contract, with real tokens over HTTP and a clock the test moves. */
import { REFRESH_GRACE_MS } from '../src/services/accounts.js';
import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { codesOf, dataOf, startServer, type TestServer } from './helpers/server.js';

const SECRET = 's'.repeat(40);
let now = Date.UTC(2026, 10, 1);
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ JWT_SECRET: SECRET }, { clock: () => now });
});

const LOGIN = `mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) {
  accessToken refreshToken expiresIn user { id email role } } }`;
const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { accessToken refreshToken user { id name email role } } }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }`;
const VIEWER = '{ viewer { id email } }';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function logIn(email: string, password = 'demo-password') {
  return dataOf(await server.gql(LOGIN, { e: email, p: password })).logIn;
}

describe('signUp', () => {
  it('creates a signed-in BUYER who sees their own email', async () => {
    const { signUp } = dataOf(await server.gql(SIGN_UP, { i: { name: '  Meera   Pillai ', email: 'Meera@Example.in', password: 'correct horse' } }));
    expect(signUp.user).toMatchObject({ name: 'Meera Pillai', email: 'meera@example.in', role: 'BUYER' });
    const viewer = dataOf(await server.gql(VIEWER, {}, bearer(signUp.accessToken))).viewer;
    expect(viewer).toEqual({ id: signUp.user.id, email: 'meera@example.in' });
  });

  it('an email already taken, in any case, is CONFLICT', async () => {
    const res = await server.gql(SIGN_UP, { i: { name: 'X', email: 'BUYER@example.com', password: 'long enough' } });
    expect(codesOf(res)).toEqual(['CONFLICT']);
  });

  it.each([
    [{ name: 'A', email: 'a@b.in', password: 'short' }, 'password'],
    [{ name: 'A', email: 'not-an-email', password: 'long enough' }, 'email'],
    [{ name: '   ', email: 'c@d.in', password: 'long enough' }, 'name'],
    [{ name: 'n'.repeat(81), email: 'e@f.in', password: 'long enough' }, 'name'],
  ])('%j is BAD_USER_INPUT naming %s, and writes nothing', async (input, field) => {
    const before = await server.sql.value('select count(*) from users');
    const res = await server.gql(SIGN_UP, { i: input });
    expect(codesOf(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0]!.extensions!.field).toBe(field);
    expect(await server.sql.value('select count(*) from users')).toEqual(before);
  });
});

describe('logIn', () => {
  it('signs in each demo account with its role', async () => {
    for (const [email, role] of [['buyer@example.com', 'BUYER'], ['seller@example.com', 'SELLER'], ['admin@example.com', 'ADMIN']]) {
      const { user, expiresIn } = await logIn(email!);
      expect(user).toMatchObject({ email, role });
      expect(expiresIn).toBe(900);
    }
  });

  it('gives the same answer for an unknown email, a wrong password and a seeded user without a password', async () => {
    const answers = await Promise.all([
      server.gql(LOGIN, { e: 'nobody@example.com', p: 'demo-password' }),
      server.gql(LOGIN, { e: 'buyer2@example.com', p: 'wrong-password' }),
      server.gql(LOGIN, { e: await server.sql.value<string>('select email from users where password_hash is null limit 1'), p: 'demo-password' }),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.body.data).toBeNull();
      expect(res.body.errors!.map((e) => [e.message, e.extensions!.code])).toEqual([["Incorrect email or password.", "UNAUTHENTICATED"]]);
    }
  });
});

describe('Authorization: Bearer', () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sign = (header: object, payload: object, secret = SECRET) => {
    const body = `${b64(header)}.${b64(payload)}`;
    return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
  };
  const claims = () => ({ sub: 'usr_4', role: 'ADMIN', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 60 });

  it('no header is anonymous', async () => {
    expect(dataOf(await server.gql(VIEWER)).viewer).toBeNull();
  });

  it('a token we signed works', async () => {
    const res = await server.gql(VIEWER, {}, bearer(sign({ alg: 'HS256', typ: 'JWT' }, claims())));
    expect(dataOf(res).viewer.id).toBe('usr_4');
  });

  it.each([
    ['expired', () => sign({ alg: 'HS256' }, { ...claims(), exp: Math.floor(now / 1000) - 1 })],
    ['signed with another secret', () => sign({ alg: 'HS256' }, claims(), 'x'.repeat(40))],
    ['tampered (role raised after signing)', () => {
      const [h, , s] = sign({ alg: 'HS256' }, { ...claims(), sub: 'usr_1', role: 'BUYER' }).split('.');
      return `${h}.${b64({ ...claims(), sub: 'usr_1', role: 'ADMIN' })}.${s}`;
    }],
    ['alg: none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    ['HS512 with the right secret', () => {
      const body = `${b64({ alg: 'HS512' })}.${b64(claims())}`;
      return `${body}.${createHmac('sha512', SECRET).update(body).digest('base64url')}`;
    }],
    ['not a JWT', () => 'hello'],
  ])('%s is UNAUTHENTICATED with HTTP 401, never anonymous', async (_name, token) => {
    const res = await server.gql(VIEWER, {}, bearer(token()));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(codesOf(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.body.data).toBeUndefined();
  });

  it('a header that is not "Bearer <token>" is UNAUTHENTICATED', async () => {
    const res = await server.gql(VIEWER, {}, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(res.status).toBe(401);
    expect(codesOf(res)).toEqual(['UNAUTHENTICATED']);
  });

  it('an access token stops working when it expires (15 minutes)', async () => {
    const { accessToken } = await logIn('buyer@example.com');
    now += 14 * 60_000;
    expect(dataOf(await server.gql(VIEWER, {}, bearer(accessToken))).viewer).not.toBeNull();
    now += 2 * 60_000;
    const res = await server.gql(VIEWER, {}, bearer(accessToken));
    expect(res.status).toBe(401);
    expect(res.body.errors![0]!.message).toMatch(/expired/);
  });
});

describe('refreshSession rotates; reuse ends the session', () => {
  it('a refresh token works once and yields a working pair', async () => {
    const first = await logIn('buyer2@example.com');
    const second = dataOf(await server.gql(REFRESH, { t: first.refreshToken })).refreshSession;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(dataOf(await server.gql(VIEWER, {}, bearer(second.accessToken))).viewer.id).toBe('usr_2');
    now += REFRESH_GRACE_MS + 1; // past the grace window for concurrent refreshes
    expect(codesOf(await server.gql(REFRESH, { t: first.refreshToken }))).toEqual(['UNAUTHENTICATED']);
  });

  it('presenting a rotated token revokes the whole family, including the newest token', async () => {
    const first = await logIn('buyer2@example.com');
    const second = dataOf(await server.gql(REFRESH, { t: first.refreshToken })).refreshSession;
    now += REFRESH_GRACE_MS + 1;
    const stolen = await server.gql(REFRESH, { t: first.refreshToken });
    expect(stolen.body.errors![0]!.message).toMatch(/already used/);
    expect(codesOf(await server.gql(REFRESH, { t: second.refreshToken }))).toEqual(['UNAUTHENTICATED']);
    // Another session of the same user is untouched.
    const other = await logIn('buyer2@example.com');
    expect(dataOf(await server.gql(REFRESH, { t: other.refreshToken })).refreshSession.accessToken).toBeTruthy();
  });

  it('a made-up token is UNAUTHENTICATED', async () => {
    expect(codesOf(await server.gql(REFRESH, { t: 'made-up' }))).toEqual(['UNAUTHENTICATED']);
  });

  it(`two concurrent refreshes of one token both get a pair, and the family lives (grace window ${REFRESH_GRACE_MS} ms)`, async () => {
    const first = await logIn('buyer2@example.com');
    const [a, b] = await Promise.all([server.gql(REFRESH, { t: first.refreshToken }), server.gql(REFRESH, { t: first.refreshToken })]);
    const pairs = [dataOf(a).refreshSession, dataOf(b).refreshSession];
    for (const pair of pairs) {
      expect(dataOf(await server.gql(VIEWER, {}, bearer(pair.accessToken))).viewer.id).toBe('usr_2');
      expect(dataOf(await server.gql(REFRESH, { t: pair.refreshToken })).refreshSession.accessToken).toBeTruthy();
    }
  });
});

describe('logOut', () => {
  it('revokes the session: its refresh token stops working', async () => {
    const session = await logIn('buyer@example.com');
    const out = await server.gql('mutation($t: String!) { logOut(refreshToken: $t) }', { t: session.refreshToken });
    expect(dataOf(out).logOut).toBe(true);
    expect(codesOf(await server.gql(REFRESH, { t: session.refreshToken }))).toEqual(['UNAUTHENTICATED']);
  });

  it('an unknown token logs nothing out', async () => {
    expect(dataOf(await server.gql('mutation { logOut(refreshToken: "nope") }')).logOut).toBe(false);
  });
});

describe('User.email is private', () => {
  const EMAIL = `query($id: ID!) { user(id: $id) { email } }`;
  it('null to anonymous callers and to other users; shown to the user and to admins', async () => {
    const [buyer, other, admin] = await Promise.all(['buyer@example.com', 'buyer2@example.com', 'admin@example.com'].map((e) => logIn(e)));
    const email = async (headers: Record<string, string>) => dataOf(await server.gql(EMAIL, { id: 'usr_1' }, headers)).user.email;
    expect(await email({})).toBeNull();
    expect(await email(bearer(other.accessToken))).toBeNull();
    expect(await email(bearer(buyer.accessToken))).toBe('buyer@example.com');
    expect(await email(bearer(admin.accessToken))).toBe('buyer@example.com');
  });
});

describe('login abuse slows down, then locks, without revealing accounts', () => {
  const attempt = (e: string, p = 'wrong-password') => server.gql(LOGIN, { e, p });

  it.each(['seller@example.com', 'no-such-user@example.com'])('for one account (%s)', async (email) => {
    expect(codesOf(await attempt(email))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await attempt(email))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await attempt(email))).toEqual(['UNAUTHENTICATED']);
    // Three failures: the next attempt must wait a second, even with the right password.
    const slowed = await attempt(email, 'demo-password');
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get('retry-after')).toBe('1');
    expect(slowed.body.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1000 });
    // Waiting doubles with each further failure, then the account locks for five minutes.
    let waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      now += 60_000;
      expect(codesOf(await attempt(email))).toEqual(['UNAUTHENTICATED']);
      waits.push((await attempt(email)).body.errors![0]!.extensions!.retryAfterMs);
    }
    expect(waits).toEqual([2000, 4000, 8000, 16000, 300_000]);
    now += 299_000;
    expect(codesOf(await attempt(email, 'demo-password'))).toEqual(['RATE_LIMITED']);
    now += 1_000;
    const after = await attempt(email, 'demo-password');
    expect(codesOf(after)).toEqual(email.startsWith('seller') ? [] : ['UNAUTHENTICATED']);
    now += 3_600_000;
    // Sixteen scrypt verifications: seconds each when the 2 cores are shared, so more than the default 30 s.
  }, 120_000);

  it('a success clears the account’s failures', async () => {
    await attempt('buyer@example.com');
    await attempt('buyer@example.com');
    expect(codesOf(await attempt('buyer@example.com', 'demo-password'))).toEqual([]);
    await attempt('buyer@example.com');
    await attempt('buyer@example.com');
    expect(codesOf(await attempt('buyer@example.com', 'demo-password'))).toEqual([]);
    // Six scrypt verifications: like the test above, more than the default 30 s when the 2 cores are shared.
  }, 120_000);
});

describe('CORS and CSRF', () => {
  it('allows only the configured origins', async () => {
    const s = await startServer({ CORS_ORIGINS: 'https://shop.example.in' });
    const preflight = (origin: string) =>
      fetch(`${s.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight('https://shop.example.in')).headers.get('access-control-allow-origin')).toBe('https://shop.example.in');
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a simple cross-site GET without a preflight header is refused (Apollo CSRF prevention)', async () => {
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ viewer { id } }')}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF/);
  });
});
