/**
 * Sign-up, sign-in and sessions. A session is a family of refresh tokens: each refresh rotates the token, and a
 * rotated token presented again revokes the family (it can only have been copied). Access tokens are stateless.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { ACCOUNT_POLICY, CLIENT_POLICY, signUpPolicy } from '../auth/loginThrottle.js';
import { ACCESS_TOKEN_TTL_SECONDS } from '../auth/tokens.js';
import { entityTag } from '../cache/tags.js';
import type { Context } from '../context.js';
import * as data from '../data/accounts.js';
import type { UserRow } from '../db/schema.js';
import { UniqueViolation } from '../db/errors.js';
import { ConflictError, RateLimitedError, UnauthenticatedError } from '../errors.js';
import { validateSignUp, type SignUpInput } from './accountRules.js';
import { withTransaction } from './transaction.js';

/** 30 days: a phone stays signed in for a month of disuse. */
const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600_000;
/**
 * A refresh token presented again within this long of its rotation is a concurrent refresh by its own client, not
 * a stolen copy: it gets a pair of its own and the family lives. After it, reuse revokes the family.
 */
export const REFRESH_GRACE_MS = 10_000;
const LOGIN_FAILED = 'Incorrect email or password.';
const BAD_REFRESH = 'The refresh token is not valid. Sign in again.';

export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: UserRow;
}

export async function signUp(ctx: Context, input: SignUpInput): Promise<AuthPayload> {
  const { name, email, password } = validateSignUp(input);
  // Per client: every account is a fresh bucket of points, so a client may not mint them (signUpPolicy).
  const client = `signup:${ctx.request.ip}`;
  const policy = signUpPolicy(ctx.config.signUpBurst);
  const wait = await ctx.auth.loginThrottle.waitMs(client, policy, ctx.clock());
  if (wait > 0) throw new RateLimitedError(`Too many sign-ups from your network. Try again in ${Math.ceil(wait / 1000)} s.`, wait);
  await ctx.auth.loginThrottle.recordFailure(client, policy, ctx.clock());
  if (await data.userByEmail(ctx.db, email)) throw new ConflictError('An account with this email already exists.', 'email');
  const passwordHash = await hashPassword(password);
  let user: UserRow;
  try {
    user = await data.insertUser(ctx.db, { name, email, passwordHash, role: 'BUYER', createdAt: ctx.clock() });
  } catch (err) {
    // Two sign-ups with one email raced past the check above; the unique index decided.
    if (err instanceof UniqueViolation) {
      throw new ConflictError('An account with this email already exists.', 'email');
    }
    throw err;
  }
  ctx.cache.invalidate(entityTag('User', user.id)); // a `user(id:)` asked before it existed was cached as null
  return startSession(ctx, user, await newRefreshToken(ctx, user.id, randomId()));
}

export async function logIn(ctx: Context, rawEmail: string, password: string): Promise<AuthPayload> {
  const email = rawEmail.trim().toLowerCase();
  const keys = [`account:${email}`, `client:${ctx.request.ip}`] as const;
  const policies = [ACCOUNT_POLICY, CLIENT_POLICY] as const;
  const now = ctx.clock();
  const wait = Math.max(...(await Promise.all(keys.map((k, i) => ctx.auth.loginThrottle.waitMs(k, policies[i]!, now)))));
  if (wait > 0) {
    throw new RateLimitedError(`Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 1000)} s.`, wait);
  }
  const user = await data.userByEmail(ctx.db, email);
  // Unknown emails cost the same KDF work as known ones, so timing does not reveal which accounts exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user?.passwordHash || !ok) {
    await Promise.all(keys.map((k, i) => ctx.auth.loginThrottle.recordFailure(k, policies[i]!, ctx.clock())));
    throw new UnauthenticatedError(LOGIN_FAILED);
  }
  await ctx.auth.loginThrottle.clear(keys[0]);
  return startSession(ctx, user, await newRefreshToken(ctx, user.id, randomId()));
}

export async function refreshSession(ctx: Context, refreshToken: string): Promise<AuthPayload> {
  const now = ctx.clock();
  // The old token is marked used and the new one stored in one transaction: a rotation happens whole or not at all.
  const rotated = await withTransaction(ctx, async (tx) => {
    const row = await data.refreshTokenByHash(tx.db, sha256(refreshToken));
    if (!row || row.revokedAt !== null || row.expiresAt <= now) return null;
    // Exchanged moments ago: the same client refreshing twice at once (two tabs, a retry). Both get a pair.
    const inGrace = (r: { rotatedAt: number | null }) => r.rotatedAt !== null && now - r.rotatedAt <= REFRESH_GRACE_MS;
    if (!inGrace(row) && !(await data.markRotated(tx.db, row.id, now))) {
      // Rotated meanwhile by a concurrent refresh (then within the grace window), or long ago: a copy is in
      // someone else's hands, so end the whole session.
      const again = await data.refreshTokenByHash(tx.db, sha256(refreshToken));
      if (!again || !inGrace(again)) {
        await data.revokeFamily(tx.db, row.familyId, now);
        return 'reused' as const;
      }
    }
    const user = await tx.loaders.user.load(row.userId);
    if (!user) return null;
    return { user, token: await newRefreshToken(tx, user.id, row.familyId) };
  });
  if (rotated === 'reused') throw new UnauthenticatedError('This refresh token was already used; the session has been ended. Sign in again.');
  if (!rotated) throw new UnauthenticatedError(BAD_REFRESH);
  return startSession(ctx, rotated.user, rotated.token);
}

/** Ends the session the token belongs to. True when it named a session (even one already ended). */
export async function logOut(ctx: Context, refreshToken: string): Promise<boolean> {
  const row = await data.refreshTokenByHash(ctx.db, sha256(refreshToken));
  if (!row) return false;
  await data.revokeFamily(ctx.db, row.familyId, ctx.clock());
  return true;
}

/** Stores a new refresh token of the family; returns the token itself (only its hash is stored). */
async function newRefreshToken(ctx: Context, userId: number, familyId: string): Promise<string> {
  const now = ctx.clock();
  const refreshToken = randomBytes(32).toString('base64url');
  await data.insertRefreshToken(ctx.db, {
    userId,
    familyId,
    tokenHash: sha256(refreshToken),
    createdAt: now,
    expiresAt: now + REFRESH_TOKEN_TTL_MS,
  });
  return refreshToken;
}

async function startSession(ctx: Context, user: UserRow, refreshToken: string): Promise<AuthPayload> {
  // The rest of this response is read as the signed-in user (their own email in the payload, say).
  ctx.viewer = { id: user.id, role: user.role };
  const accessToken = await ctx.auth.tokens.issue(ctx.viewer);
  return { accessToken, refreshToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS, user };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const randomId = () => randomBytes(16).toString('base64url');

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

