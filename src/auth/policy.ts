/**
 * Who may see and do what: every authorization rule in one module, so resolvers, services and the REST shim ask
 * rather than decide. Each rule is a pure function of the viewer and the object; `require…` variants throw the
 * contract's errors (UNAUTHENTICATED for anonymous callers, FORBIDDEN for everyone else).
 */
import type { Viewer } from '../context.js';
import type { Role, UserRow } from '../db/schema.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';

const isAdmin = (viewer: Viewer | null) => viewer?.role === 'ADMIN';

export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw new UnauthenticatedError();
  return viewer;
}

export function requireRole(viewer: Viewer | null, ...roles: Role[]): Viewer {
  const v = requireViewer(viewer);
  if (!roles.includes(v.role)) throw new ForbiddenError(`This needs one of these roles: ${roles.join(', ')}.`);
  return v;
}

/** A user's email: only to that user and to admins. */
export function canSeeEmail(viewer: Viewer | null, user: UserRow): boolean {
  return viewer !== null && (viewer.id === user.id || isAdmin(viewer));
}

/** A user's orders: only that user and admins. */
export function requireOwnOrAdmin(viewer: Viewer | null, userId: number): Viewer {
  const v = requireViewer(viewer);
  if (v.id !== userId && !isAdmin(v)) throw new ForbiddenError("You can only see your own orders.");
  return v;
}

/**
 * An order: its buyer, a seller of any of its items (through the seller the viewer runs), or an admin.
 * `viewerSellerId` is the seller the viewer runs, if any.
 */
export function requireOrderAccess(
  viewer: Viewer | null,
  order: { buyerId: number },
  orderSellerIds: readonly number[],
  viewerSellerId: number | null,
): Viewer {
  const v = requireViewer(viewer);
  if (!canSeeOrder(v, order, orderSellerIds, viewerSellerId)) throw new ForbiddenError('This order is not yours.');
  return v;
}

/** The rule of `requireOrderAccess` as a test (subscriptions check it for every change, so it must not throw). */
export function canSeeOrder(
  viewer: Viewer | null,
  order: { buyerId: number },
  orderSellerIds: readonly number[],
  viewerSellerId: number | null,
): boolean {
  if (!viewer) return false;
  const isSeller = viewerSellerId !== null && orderSellerIds.includes(viewerSellerId);
  return viewer.id === order.buyerId || isSeller || isAdmin(viewer);
}

/** Catalog writes for a seller's products: that seller's SELLER user, or an admin. */
export function requireSellerOrAdmin(viewer: Viewer | null, sellerId: number, viewerSellerId: number | null): Viewer {
  const v = requireRole(viewer, 'SELLER', 'ADMIN');
  if (v.role === 'SELLER' && viewerSellerId !== sellerId) throw new ForbiddenError("This is another seller's product.");
  return v;
}
