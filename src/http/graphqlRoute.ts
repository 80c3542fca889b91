/**
 * The /graphql route. With the response cache on, a repeated read is answered from the cache before the GraphQL
 * pipeline (a hit costs a hash, a lookup and a bucket charge); everything else goes through Apollo Server.
 *
 * Every response says `X-Cache: HIT | MISS | BYPASS`. A miss executes once for all identical concurrent misses
 * (single flight) and is stored when it has no errors, Apollo's computed cache policy allows it, and none of its
 * tags was invalidated while it ran. Public responses carry `Cache-Tag` for CDN purges; hits carry `Age`.
 */
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { authenticate } from '../auth/tokens.js';
import type { DocumentInfo } from '../cache/document.js';
import { createSingleFlight } from '../cache/singleFlight.js';
import type { CacheEntry } from '../stores/responseCache.js';
import { createContext, type AppDeps, type Context, type Viewer } from '../context.js';
import { RateLimitedError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { factsOf, linkContext, recordOperation } from '../observability/requestFacts.js';
import { admitDocuments, FREE_DOCUMENT_CHARS } from '../plugins/queryCost/documentPrice.js';
import { rateLimitedAnswer, type CacheHits, type HttpAnswer } from './cacheHits.js';
import type { FastPath } from './fastPath.js';
import { documentTexts } from './graphqlRequest.js';
import { requestRefusal, sendRefusal } from './graphqlRefusals.js';

type XCache = 'HIT' | 'MISS' | 'BYPASS';
const viewers = new WeakMap<FastifyRequest, Viewer | null>();

export function graphqlRoute(
  apollo: ApolloServer<Context>,
  deps: AppDeps,
  metrics: Metrics,
  /** The response cache's reads (src/http/cacheHits.ts), when the cache is on. */
  cache: CacheHits | null,
  /** Operations already seen, executed without Apollo's pipeline (src/http/fastPath.ts). */
  fast: FastPath | null = null,
): RouteHandlerMethod {
  const flights = createSingleFlight<HTTPGraphQLResponse | null>();
  const counted = { miss: metrics.cacheResults.of({ result: 'miss' }) };

/** Builds the request's context; a bad token is UNAUTHENTICATED (401) from here, before parsing. */
  const contextFor = async (req: FastifyRequest): Promise<Context> => {
    const viewer = viewers.has(req) ? viewers.get(req)! : await authenticate(deps.auth.tokens, req.headers.authorization);
    const ctx = createContext(deps, viewer, { ip: req.ip, requestId: req.id });
    linkContext(ctx, req);
    return ctx;
  };

  async function execute(req: FastifyRequest, onContext?: (ctx: Context) => void): Promise<HTTPGraphQLResponse> {
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    return apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { body: req.body, method: req.method.toUpperCase(), headers, search: searchOf(req.url) },
      context: async () => {
        const ctx = await contextFor(req);
        onContext?.(ctx);
        return ctx;
      },
    });
  }

  async function send(reply: FastifyReply, res: HTTPGraphQLResponse, xCache: XCache) {
    for (const [k, v] of res.headers) void reply.header(k, v);
    void reply.header('x-cache', xCache).code(res.status ?? 200);
    if (xCache === 'MISS') counted.miss.inc();
    if (res.body.kind === 'complete') return res.body.string;
    const chunks: string[] = [];
    for await (const chunk of res.body.asyncIterator) chunks.push(chunk);
    return chunks.join('');
  }

  /** Writes an answer of the cache (a hit, or its refusal) or of the fast path, and records its facts for the log line. */
  function sendAnswer(req: FastifyRequest, reply: FastifyReply, answer: HttpAnswer) {
    const facts = factsOf(req);
    recordOperation(facts, answer.operation);
    if (answer.cost) facts.cost = answer.cost;
    for (const [k, v] of answer.headers) void reply.header(k, v);
    return reply.code(answer.status).send(answer.body);
  }

  /** Runs a miss through Apollo and stores what may be stored. */
  async function executeAndStore(req: FastifyRequest, key: string, doc: DocumentInfo): Promise<HTTPGraphQLResponse> {
    const store = cache!.store;
    const mark = await store.mark();
    let ctx: Context | undefined;
    const res = await execute(req, (c) => (ctx = c));
    const entry = ctx && res.body.kind === 'complete' ? toEntry(res, res.body.string, ctx, doc, deps.clock()) : null;
    if (entry && (await store.set(key, entry, mark)) && entry.scope === 'PUBLIC') res.headers.set('cache-tag', entry.tags.join(','));
    return res;
  }

  /** The request's caller, authenticated once (a bad token leaves it to Apollo, which answers 401). */
  async function viewerOf(req: FastifyRequest): Promise<{ viewer: Viewer | null } | null> {
    if (viewers.has(req)) return { viewer: viewers.get(req)! };
    try {
      const header = req.headers.authorization;
      const viewer = header ? await authenticate(deps.auth.tokens, header) : null; // no header: anonymous, without a wait
      viewers.set(req, viewer);
      return { viewer };
    } catch {
      return null;
    }
  }

  return async (req, reply) => {
    if (req.method === 'OPTIONS') return send(reply, await execute(req), 'BYPASS');
    const refusal = requestRefusal(req);
    if (refusal) return sendRefusal(reply, refusal);
    // Admission, before anything parses the request's documents: their price by size (documentPrice.ts).
    const texts = documentTexts(req);
    if (texts.some((t) => t.length > FREE_DOCUMENT_CHARS)) {
      const caller = await viewerOf(req);
      if (!caller) return send(reply, await execute(req), 'BYPASS'); // Apollo answers the bad token with 401
      try {
        await admitDocuments(deps.rateLimiter, { viewer: caller.viewer, request: { ip: req.ip } }, texts);
      } catch (err) {
        if (!(err instanceof RateLimitedError)) throw err;
        const { status, headers, body } = rateLimitedAnswer(err);
        for (const [k, v] of headers) void reply.header(k, v);
        return reply.code(status).send(body);
      }
    }

    if (fast) {
      const caller = await viewerOf(req);
      const answer = caller ? await fast.serve(req, caller.viewer) : undefined;
      if (answer !== undefined) return sendAnswer(req, reply, answer);
    }
    if (!cache) return send(reply, await execute(req), 'BYPASS');
    const read = await cache.read(req, () => viewerOf(req));
    if (!read) return send(reply, await execute(req), 'BYPASS');
    const hit = await cache.get(read);
    if (hit) return sendAnswer(req, reply, await cache.answer(read, hit, req.ip));
    const flight = flights(read.key, () => executeAndStore(req, read.key, read.doc));
    if (flight.leader) {
      const res = (await flight.result)!;
      if (res.status === undefined || res.status < 400) read.remember();
      return send(reply, res, 'MISS');
    }
    // Waited for an identical request: serve what it stored, or run our own if it stored nothing.
    await flight.result.catch(() => null);
    const stored = await cache.get(read);
    if (!stored) return send(reply, await execute(req), 'MISS');
    return sendAnswer(req, reply, await cache.answer(read, stored, req.ip));
  };
}

/** A cacheable response as an entry, or null: errors, no cache policy, or a policy more private than the key. */
function toEntry(res: HTTPGraphQLResponse, body: string, ctx: Context, doc: DocumentInfo, now: number): CacheEntry | null {
  if ((res.status ?? 200) !== 200) return null;
  const policy = /max-age=(\d+), (public|private)/.exec(res.headers.get('cache-control') ?? '');
  if (!policy || Number(policy[1]) <= 0) return null;
  const scope = policy[2] === 'private' ? 'PRIVATE' : 'PUBLIC';
  // The key is shared but the data is not: never store it.
  if ((scope === 'PRIVATE' || ctx.cache.sawPrivate) && doc.scope === 'PUBLIC') return null;
  const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown; extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number } } };
  if (parsed.errors || parsed.data === undefined || !parsed.extensions?.cost) return null;
  const maxAge = Number(policy[1]);
  return {
    data: Buffer.from(JSON.stringify(parsed.data)),
    tags: [...ctx.cache.tags],
    requestedCost: parsed.extensions.cost.requestedQueryCost,
    actualCost: parsed.extensions.cost.actualQueryCost,
    storedAt: now,
    expiresAt: now + maxAge * 1000,
    maxAge,
    scope: doc.scope === 'PRIVATE' ? 'PRIVATE' : scope,
  };
}

function searchOf(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i);
}
