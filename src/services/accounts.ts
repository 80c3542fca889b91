/**
 * Sign-up, sign-in and sessions. A session is a family of refresh tokens: each refresh rotates the token, and a
 * rotated token presented again revokes the family (it can only have been copied). Access tokens are stateless.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { ACCOUNT_POLICY, CLIENT_POLICY } from '../auth/loginThrottle.js';
import { ACCESS_TOKEN_TTL_SECONDS } from '../auth/tokens.js';
import type { Context } from '../context.js';
import * as data from '../data/accounts.js';
import type { UserRow } from '../db/schema.js';
import { ConflictError, RateLimitedError, UnauthenticatedError } from '../errors.js';
import { validateSignUp, type SignUpInput } from './accountRules.js';

/** 30 days: a phone stays signed in for a month of disuse. */
const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600_000;
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
  if (data.userByEmail(ctx.db, email)) throw new ConflictError('An account with this email already exists.', 'email');
  const passwordHash = await hashPassword(password);
  let user: UserRow;
  try {
    user = data.insertUser(ctx.db, { name, email, passwordHash, role: 'BUYER', createdAt: ctx.clock() });
  } catch (err) {
    // Two sign-ups with one email raced past the check above; the unique index decided.
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new ConflictError('An account with this email already exists.', 'email');
    }
    throw err;
  }
  return startSession(ctx, user, randomId());
}

export async function logIn(ctx: Context, rawEmail: string, password: string): Promise<AuthPayload> {
  const email = rawEmail.trim().toLowerCase();
  const keys = [`account:${email}`, `client:${ctx.request.ip}`] as const;
  const policies = [ACCOUNT_POLICY, CLIENT_POLICY] as const;
  const now = ctx.clock();
  const wait = Math.max(...keys.map((k, i) => ctx.auth.loginThrottle.waitMs(k, policies[i]!, now)));
  if (wait > 0) {
    throw new RateLimitedError(`Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 1000)} s.`, wait);
  }
  const user = data.userByEmail(ctx.db, email);
  // Unknown emails cost the same KDF work as known ones, so timing does not reveal which accounts exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user?.passwordHash || !ok) {
    keys.forEach((k, i) => ctx.auth.loginThrottle.recordFailure(k, policies[i]!, ctx.clock()));
    throw new UnauthenticatedError(LOGIN_FAILED);
  }
  ctx.auth.loginThrottle.clear(keys[0]);
  return startSession(ctx, user, randomId());
}

export async function refreshSession(ctx: Context, refreshToken: string): Promise<AuthPayload> {
  const now = ctx.clock();
  const user = ctx.db.transaction((tx) => {
    const row = data.refreshTokenByHash(tx, sha256(refreshToken));
    if (!row || row.revokedAt !== null || row.expiresAt <= now) return null;
    if (!data.markRotated(tx, row.id, now)) {
      // Already exchanged once: a copy is in someone else's hands. End the whole session.
      data.revokeFamily(tx, row.familyId, now);
      return 'reused' as const;
    }
    return { userId: row.userId, familyId: row.familyId };
  });
  if (user === 'reused') throw new UnauthenticatedError('This refresh token was already used; the session has been ended. Sign in again.');
  if (!user) throw new UnauthenticatedError(BAD_REFRESH);
  const row = await ctx.loaders.user.load(user.userId);
  if (!row) throw new UnauthenticatedError(BAD_REFRESH);
  return startSession(ctx, row, user.familyId);
}

/** Ends the session the token belongs to. True when it named a session (even one already ended). */
export function logOut(ctx: Context, refreshToken: string): boolean {
  const row = data.refreshTokenByHash(ctx.db, sha256(refreshToken));
  if (!row) return false;
  data.revokeFamily(ctx.db, row.familyId, ctx.clock());
  return true;
}

async function startSession(ctx: Context, user: UserRow, familyId: string): Promise<AuthPayload> {
  const now = ctx.clock();
  const refreshToken = randomBytes(32).toString('base64url');
  data.insertRefreshToken(ctx.db, {
    userId: user.id,
    familyId,
    tokenHash: sha256(refreshToken),
    createdAt: now,
    expiresAt: now + REFRESH_TOKEN_TTL_MS,
  });
  // The rest of this response is read as the signed-in user (their own email in the payload, say).
  ctx.viewer = { id: user.id, role: user.role };
  const accessToken = await ctx.auth.tokens.issue(ctx.viewer);
  return { accessToken, refreshToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS, user };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const randomId = () => randomBytes(16).toString('base64url');

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

