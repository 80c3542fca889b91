/** All SQL about accounts: users by email, new users, and refresh-token families. */
import { statement, type Queryable } from '../db/engine.js';
import { refreshTokens, users, type RefreshTokenRow, type Role, type UserAccountRow, type UserRow } from '../db/schema.js';
import { PRIVATE_USER_COLUMNS } from './catalog.js';
import { selectList } from './sql.js';

const USER_BY_EMAIL = statement<UserAccountRow>('users.byEmail', `SELECT ${selectList(users)} FROM "users" WHERE "email" = ?`);
const INSERT_USER = statement<UserRow>(
  'users.insert',
  `INSERT INTO "users" ("name", "email", "password_hash", "role", "created_at") VALUES (?, ?, ?, ?, ?) RETURNING ${selectList(users, undefined, PRIVATE_USER_COLUMNS)}`,
);
const INSERT_REFRESH_TOKEN = statement(
  'refreshTokens.insert',
  `INSERT INTO "refresh_tokens" ("user_id", "family_id", "token_hash", "created_at", "expires_at") VALUES (?, ?, ?, ?, ?)`,
);
const REFRESH_TOKEN_BY_HASH = statement<RefreshTokenRow>(
  'refreshTokens.byHash',
  `SELECT ${selectList(refreshTokens)} FROM "refresh_tokens" WHERE "token_hash" = ?`,
);
const MARK_ROTATED = statement(
  'refreshTokens.markRotated',
  `UPDATE "refresh_tokens" SET "rotated_at" = ? WHERE "id" = ? AND "rotated_at" IS NULL AND "revoked_at" IS NULL`,
);
const REVOKE_FAMILY = statement(
  'refreshTokens.revokeFamily',
  `UPDATE "refresh_tokens" SET "revoked_at" = ? WHERE "family_id" = ? AND "revoked_at" IS NULL`,
);

export function userByEmail(db: Queryable, email: string): Promise<UserAccountRow | undefined> {
  return db.get(USER_BY_EMAIL, [email]);
}

/** Throws `UniqueViolation` when the email is taken. */
export async function insertUser(
  db: Queryable,
  user: { name: string; email: string; passwordHash: string; role: Role; createdAt: number },
): Promise<UserRow> {
  return (await db.get(INSERT_USER, [user.name, user.email, user.passwordHash, user.role, user.createdAt]))!;
}

export async function insertRefreshToken(db: Queryable, row: Omit<RefreshTokenRow, 'id' | 'rotatedAt' | 'revokedAt'>): Promise<void> {
  await db.run(INSERT_REFRESH_TOKEN, [row.userId, row.familyId, row.tokenHash, row.createdAt, row.expiresAt]);
}

export function refreshTokenByHash(db: Queryable, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db.get(REFRESH_TOKEN_BY_HASH, [tokenHash]);
}

/** Marks a token used, only if it still is unused: false means someone else rotated it first. */
export async function markRotated(db: Queryable, id: number, at: number): Promise<boolean> {
  return (await db.run(MARK_ROTATED, [at, id])) === 1;
}

export async function revokeFamily(db: Queryable, familyId: string, at: number): Promise<void> {
  await db.run(REVOKE_FAMILY, [at, familyId]);
}
