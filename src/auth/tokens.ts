/**
 * Access tokens: short-lived HS256 JWTs (jose), `sub` = the user's ID (`usr_…`), `role` as a claim.
 * Verification pins the algorithm, so `alg: none` and algorithm-confusion tokens are refused by construction.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Clock, Viewer } from '../context.js';
import { ROLES, type Role } from '../db/schema.js';
import { InvalidTokenError } from '../errors.js';
import { decodeId, encodeId } from '../ids.js';

/** 15 minutes: short enough that revocation by expiry is prompt, long enough for a shopping session's requests. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export interface AccessTokens {
  issue(viewer: Viewer): Promise<string>;
  /** The viewer a token names; UNAUTHENTICATED if it is malformed, tampered with, of another algorithm, or expired. */
  verify(token: string): Promise<Viewer & { expiresAt: number }>;
}

/** Whether a user ID names an account. Accounts are never deleted, so a yes is remembered (KNOWN_USERS of them). */
export type UserExists = (id: number) => Promise<boolean> | boolean;
const KNOWN_USERS = 50_000;
/**
 * Tokens already verified, by their text: a client sends the same token with every request for 15 minutes, and
 * verifying the signature (WebCrypto HMAC, through the thread pool) cost more than the rest of a small request.
 * Only tokens whose signature and claims checked out are kept, each until it expires (checked on every use).
 * @default 4 MiB
 */
const VERIFIED_BYTES = 4 * 1024 * 1024;

/**
 * @param userExists checked after the signature: a validly signed token whose user does not exist (another
 * database, a reset) is UNAUTHENTICATED, never anonymous. Without it, the signature alone decides.
 */
export function createAccessTokens(secret: string, clock: Clock, userExists?: UserExists): AccessTokens {
  const key = new TextEncoder().encode(secret);
  const known = new LRUCache<number, true>({ max: KNOWN_USERS });
  const verified = new LRUCache<string, Viewer & { expiresAt: number }>({
    maxSize: VERIFIED_BYTES,
    sizeCalculation: (_viewer, token) => token.length * 2 + 100,
  });
  const exists = async (id: number) => {
    if (!userExists || known.has(id)) return true;
    if (!(await userExists(id))) return false;
    known.set(id, true);
    return true;
  };
  return {
    async issue(viewer) {
      const now = Math.floor(clock() / 1000);
      return new SignJWT({ role: viewer.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(encodeId('User', viewer.id))
        .setIssuedAt(now)
        .setExpirationTime(now + ACCESS_TOKEN_TTL_SECONDS)
        .sign(key);
    },
    async verify(token) {
      const seen = verified.get(token);
      if (seen) {
        // jose's rule: expired once `exp` (whole seconds) is not after now.
        if (seen.expiresAt / 1000 <= Math.floor(clock() / 1000)) {
          verified.delete(token);
          throw new InvalidTokenError('The access token has expired.');
        }
        return { ...seen };
      }
      let viewer: Viewer & { expiresAt: number };
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          currentDate: new Date(clock()),
          requiredClaims: ['sub', 'exp'],
        });
        const role = payload.role as Role;
        if (!ROLES.includes(role) || typeof payload.sub !== 'string') throw new Error('bad claims');
        viewer = { id: decodeId('User', payload.sub), role, expiresAt: payload.exp! * 1000 };
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new InvalidTokenError('The access token has expired.');
        throw new InvalidTokenError('The access token is not valid.');
      }
      if (!(await exists(viewer.id))) throw new InvalidTokenError('The access token names no account.');
      verified.set(token, viewer);
      return viewer;
    },
  };
}

/**
 * Reads `Authorization: Bearer <token>`. No header is anonymous; anything else that is not a valid token is
 * UNAUTHENTICATED, never a silent fall-back to anonymous.
 */
export async function authenticate(tokens: AccessTokens, header: string | undefined): Promise<Viewer | null> {
  if (header === undefined || header === '') return null;
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  if (!match) throw new InvalidTokenError('The Authorization header must be "Bearer <access token>".');
  const { id, role } = await tokens.verify(match[1]!);
  return { id, role };
}
