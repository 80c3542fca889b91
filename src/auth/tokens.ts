/**
 * Access tokens: short-lived HS256 JWTs (jose), `sub` = the user's ID (`usr_…`), `role` as a claim.
 * Verification pins the algorithm, so `alg: none` and algorithm-confusion tokens are refused by construction.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
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

export function createAccessTokens(secret: string, clock: Clock): AccessTokens {
  const key = new TextEncoder().encode(secret);
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
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          currentDate: new Date(clock()),
          requiredClaims: ['sub', 'exp'],
        });
        const role = payload.role as Role;
        if (!ROLES.includes(role) || typeof payload.sub !== 'string') throw new Error('bad claims');
        return { id: decodeId('User', payload.sub), role, expiresAt: payload.exp! * 1000 };
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new InvalidTokenError('The access token has expired.');
        throw new InvalidTokenError('The access token is not valid.');
      }
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
