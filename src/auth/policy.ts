/**
 * Who may see what: every authorization rule in one module, so resolvers and the REST shim ask rather than
 * decide. Each rule is a pure function of the viewer and the object.
 */
import type { Viewer } from '../context.js';
import type { UserRow } from '../db/schema.js';

const isAdmin = (viewer: Viewer | null) => viewer?.role === 'ADMIN';

/** A user's email: only to that user and to admins. */
export function canSeeEmail(viewer: Viewer | null, user: UserRow): boolean {
  return viewer !== null && (viewer.id === user.id || isAdmin(viewer));
}
