/**
 * Conditional GET. Every successful GET gets a weak ETag, a hash of the JSON body, and `If-None-Match` with a
 * matching tag (or `*`) gets 304 with no body. The hash is of the uncompressed body, so the tag is weak: gzip and
 * brotli representations of one body are the same resource state (RFC 9110 §8.8.1).
 *
 * This runs as an onSend hook of the REST scope, after serialization and before @fastify/compress, whose onSend is
 * attached to each route and so runs after the scope's hooks.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export function registerConditionalGet(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return payload;
    // Revalidate every time: the ETag makes that a 304 when nothing changed. Private when a token was sent.
    reply.header('cache-control', req.headers.authorization ? 'private, no-cache' : 'no-cache');
    if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    const etag = `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
    reply.header('etag', etag);
    if (!matches(req.headers['if-none-match'], etag)) return payload;
    reply.code(304);
    reply.removeHeader('content-type');
    return '';
  });
}

/** RFC 9110 §13.1.2: a list of tags or `*`, compared weakly (the `W/` prefix is ignored). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
