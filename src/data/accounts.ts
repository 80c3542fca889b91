/** All SQL about accounts: users by email, new users, and refresh-token families. */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { refreshTokens, users, type RefreshTokenRow, type Role, type UserRow } from '../db/schema.js';

export function userByEmail(db: Db, email: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.email, email)).get();
}

export function insertUser(
  db: Db,
  user: { name: string; email: string; passwordHash: string; role: Role; createdAt: number },
): UserRow {
  return db.insert(users).values(user).returning().get();
}

export function insertRefreshToken(db: Db, row: Omit<RefreshTokenRow, 'id' | 'rotatedAt' | 'revokedAt'>): void {
  db.insert(refreshTokens).values(row).run();
}

export function refreshTokenByHash(db: Db, tokenHash: string): RefreshTokenRow | undefined {
  return db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).get();
}

/** Marks a token used, only if it still is unused: false means someone else rotated it first. */
export function markRotated(db: Db, id: number, at: number): boolean {
  const result = db
    .update(refreshTokens)
    .set({ rotatedAt: at })
    .where(and(eq(refreshTokens.id, id), isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt)))
    .run();
  return result.changes === 1;
}

export function revokeFamily(db: Db, familyId: string, at: number): void {
  db.update(refreshTokens)
    .set({ revokedAt: at })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .run();
}
