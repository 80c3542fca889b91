/** Reading users and what hangs off them. Private fields are decided by the policy in src/auth/policy.ts. */
import { listTag } from '../cache/tags.js';
import type { Context } from '../context.js';
import { reviewSortKey } from '../data/reviews.js';
import type { ReviewRow, UserRow } from '../db/schema.js';
import { decodeId } from '../ids.js';
import { pageRequest, toConnection, type Connection } from '../pagination.js';

export function getUser(ctx: Context, id: string): Promise<UserRow | null> {
  return ctx.loaders.user.load(decodeId('User', id));
}

export async function userReviews(
  ctx: Context,
  user: UserRow,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<ReviewRow>> {
  const list = `user:${user.id}:reviews`;
  const page = pageRequest(args, 10, list, 'NEWEST', 2);
  const rows = await ctx.loaders.reviewPage({ parent: 'authorId', order: 'NEWEST', ...page }).load(user.id);
  ctx.cache.tag(listTag('User', user.id, 'reviews'));
  return toConnection(rows, page, list, 'NEWEST', (r) => reviewSortKey('NEWEST', r), () =>
    ctx.loaders.reviewCountByAuthor.load(user.id),
  );
}
