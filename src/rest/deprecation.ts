/**
 * Deprecated REST routes announce it on every response, before anything can fail: `Deprecation` (RFC 9745, the
 * date it was deprecated as a structured-field date, `@<epoch seconds>`), `Sunset` (RFC 8594, the HTTP-date after
 * which it may stop answering) and `Link: <successor>; rel="successor-version"`. The OpenAPI document marks the
 * operation `deprecated: true`. A deprecated route keeps working until its sunset: deprecate, never remove early.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface RouteDeprecation {
  /** When it was deprecated (ms since the epoch); also listed in CHANGELOG.md. */
  since: number;
  /** The earliest it may stop answering (ms since the epoch): at least six months after `since`. */
  sunset: number;
  /** Where to go instead, for this request: a path under /api/v1 (with its query, if any). */
  successor(req: FastifyRequest): string;
}

/** Sets the three headers on a deprecated route's response. Called when the request arrives. */
export function announceDeprecation(reply: FastifyReply, req: FastifyRequest, d: RouteDeprecation): void {
  void reply
    .header('deprecation', `@${Math.floor(d.since / 1000)}`)
    .header('sunset', new Date(d.sunset).toUTCString())
    .header('link', `<${d.successor(req)}>; rel="successor-version"`);
}
