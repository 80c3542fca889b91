/**
 * The /graphql route. With the response cache on, a repeated read is answered from the cache before the GraphQL
 * pipeline (a hit costs a hash, a lookup and a bucket charge); everything else goes through Apollo Server.
 *
 * Every response says `X-Cache: HIT | MISS | BYPASS`. A miss executes once for all identical concurrent misses
 * (single flight) and is stored when it has no errors, Apollo's computed cache policy allows it, and none of its
 * tags was invalidated while it ran. Public responses carry `Cache-Tag` for CDN purges; hits carry `Age`.
 */
import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { LRUCache } from 'lru-cache';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { authenticate } from '../auth/tokens.js';
import type { DocumentInfo } from '../cache/document.js';
import { cacheKey } from '../cache/key.js';
import { createSingleFlight } from '../cache/singleFlight.js';
import type { CacheEntry, ResponseCacheStore } from '../stores/responseCache.js';
import { createContext, type AppDeps, type Context, type Viewer } from '../context.js';
import { RateLimitedError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { ThrottleStatus } from '../plugins/rateLimit/index.js';
import { factsOf, linkContext, operationNameOf, recordOperation } from '../observability/requestFacts.js';
import { admitDocuments, FREE_DOCUMENT_CHARS } from '../plugins/queryCost/documentPrice.js';
import type { FastPath } from './fastPath.js';
import { documentTexts, isCsrfSafe, readOperation } from './graphqlRequest.js';
import { requestRefusal, sendRefusal } from './graphqlRefusals.js';

export interface ResponseCacheRoute {
  store: ResponseCacheStore;
  analyze(query: string, operationName: string | undefined): DocumentInfo | null;
  /** Apollo's APQ store (keys prefixed `apq:`), read here so hashed queries can be cache hits too. */
  apq: KeyValueCache<string>;
  /** Called for each response the cache answers (with the analysis and text of its query): usage metrics. */
  onHit?(doc: DocumentInfo, query: string): void;
}

type XCache = 'HIT' | 'MISS' | 'BYPASS';
const viewers = new WeakMap<FastifyRequest, Viewer | null>();

/**
 * The cache-key memo: a repeated request skips canonical JSON and sha256. Bounded by bytes, and only requests
 * whose memo key (document hash, operation name, scope, variables as sent) is short are memoized: a large variable
 * is hashed every time rather than kept.
 */
const KEY_MEMO_BYTES = 4 * 1024 * 1024;
const KEY_MEMO_MAX_CHARS = 2048;

export function graphqlRoute(
  apollo: ApolloServer<Context>,
  deps: AppDeps,
  metrics: Metrics,
  cache: ResponseCacheRoute | null,
  /** Operations already seen, executed without Apollo's pipeline (src/http/fastPath.ts). */
  fast: FastPath | null = null,
): RouteHandlerMethod {
  const flights = createSingleFlight<HTTPGraphQLResponse | null>();
  const counted = { hit: metrics.responseCache.labels({ result: 'hit' }), miss: metrics.responseCache.labels({ result: 'miss' }) };
  const keys = new LRUCache<string, string>({ maxSize: KEY_MEMO_BYTES, sizeCalculation: (key, memo) => (memo.length + key.length) * 2 + 100 });

  /**
   * `cacheKey`, memoized on the request as sent: the same document analysis, operation name, variables (their JSON
   * as received, so another key order is another memo entry for the same canonical key) and scope. `remember`
   * fills the memo: called once the request was admitted (its cost charged), so refused requests leave nothing.
   */
  const keyFor = (doc: DocumentInfo, operationName: string | undefined, variables: unknown, viewer: Viewer | null) => {
    const scope = doc.scope === 'PRIVATE' ? `user:${viewer?.id ?? 'anonymous'}` : 'public';
    const whole = `${doc.hash}\n${operationName ?? ''}\n${scope}\n${variables === undefined ? '' : JSON.stringify(variables)}`;
    const memo = whole.length <= KEY_MEMO_MAX_CHARS ? whole : undefined;
    const known = memo === undefined ? undefined : keys.get(memo);
    const key = known ?? cacheKey(doc, operationName, variables, viewer);
    return { key, remember: () => void (memo !== undefined && known === undefined && keys.set(memo, key)) };
  };

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

  async function serveHit(
    req: FastifyRequest,
    reply: FastifyReply,
    entry: CacheEntry,
    viewer: Viewer | null,
    operation: string,
    onAdmitted: () => void,
  ) {
    const caller = { viewer, request: { ip: req.ip } };
    const facts = factsOf(req);
    recordOperation(facts, operation);
    let throttleStatus;
    try {
      // Needs the requested cost, keeps the actual one: one store call (on Redis, one round trip besides the hit's).
      throttleStatus = await deps.rateLimiter.spendKnown(caller, entry.requestedCost, entry.actualCost);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      return refuse(reply, err, costExtension(entry.requestedCost, 0, await deps.rateLimiter.status(caller)));
    }
    onAdmitted();
    const now = deps.clock();
    const cost = costExtension(entry.requestedCost, entry.actualCost, throttleStatus);
    facts.cost = { requested: entry.requestedCost, actual: entry.actualCost };
    void reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('x-cache', 'HIT')
      .header('age', String(Math.max(0, Math.floor((now - entry.storedAt) / 1000))))
      .header('cache-control', `max-age=${Math.max(0, Math.floor((entry.expiresAt - now) / 1000))}, ${entry.scope.toLowerCase()}`);
    if (entry.scope === 'PUBLIC') void reply.header('cache-tag', entry.tags.join(','));
    counted.hit.inc();
    return `{"data":${entry.data},"extensions":{"cost":${JSON.stringify(cost)}}}`;
  }

  /** A 429 in GraphQL's shape, with `Retry-After`, and `extensions.cost` when the operation was costed. */
  function refuse(reply: FastifyReply, err: RateLimitedError, cost?: ReturnType<typeof costExtension>) {
    const { http, ...extensions } = err.extensions as { http: { status: number; headers: Map<string, string> } };
    for (const [k, v] of http.headers) void reply.header(k, v);
    return reply
      .code(429)
      .header('x-cache', 'BYPASS')
      .send({ errors: [{ message: err.message, extensions }], ...(cost && { extensions: { cost } }) });
  }

  /** The contract's `extensions.cost`, as the query-cost plugin reports it on executed operations. */
  function costExtension(requestedQueryCost: number, actualQueryCost: number, throttleStatus: ThrottleStatus) {
    return { requestedQueryCost, actualQueryCost, limit: deps.config.maxQueryCost, throttleStatus };
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
        return refuse(reply, err);
      }
    }

    if (fast) {
      const caller = await viewerOf(req);
      const body = caller ? await fast.serve(req, reply, caller.viewer) : undefined;
      if (body !== undefined) return body;
    }
    if (!cache) return send(reply, await execute(req), 'BYPASS');
    const op = readOperation(req);
    // A store that cannot be trusted right now (Redis lost or recovering) is not read: reads go to the database.
    if (!op || !isCsrfSafe(req) || !cache.store.available()) return send(reply, await execute(req), 'BYPASS');
    const query = op.query ?? (op.persistedHash ? await cache.apq.get(`apq:${op.persistedHash}`) : undefined);
    const doc = query === undefined ? null : cache.analyze(query, op.operationName);
    if (!doc?.isQuery) return send(reply, await execute(req), 'BYPASS');
    // A persisted query sent with its text registers it, as Apollo would, even when the cache answers (else the
    // client would send the text on every load); a hash that does not match the text is Apollo's to refuse.
    if (op.query !== undefined && op.persistedHash !== undefined && !(await persist(cache.apq, op.query, op.persistedHash))) {
      return send(reply, await execute(req), 'BYPASS');
    }
    const caller = await viewerOf(req);
    if (!caller) return send(reply, await execute(req), 'BYPASS'); // Apollo answers the bad token with 401
    const { viewer } = caller;

    const { key, remember } = keyFor(doc, op.operationName, op.variables, viewer);
    const hit = await cache.store.get(key, deps.clock());
    const name = () => operationNameOf(doc, query!, op.operationName);
    if (hit) {
      cache.onHit?.(doc, query!);
      return serveHit(req, reply, hit, viewer, name(), remember);
    }
    const flight = flights(key, () => executeAndStore(req, key, doc));
    if (flight.leader) {
      const res = (await flight.result)!;
      if (res.status === undefined || res.status < 400) remember();
      return send(reply, res, 'MISS');
    }
    // Waited for an identical request: serve what it stored, or run our own if it stored nothing.
    await flight.result.catch(() => null);
    const stored = await cache.store.get(key, deps.clock());
    if (!stored) return send(reply, await execute(req), 'MISS');
    cache.onHit?.(doc, query!);
    return serveHit(req, reply, stored, viewer, name(), remember);
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
    data: JSON.stringify(parsed.data),
    tags: [...ctx.cache.tags],
    requestedCost: parsed.extensions.cost.requestedQueryCost,
    actualCost: parsed.extensions.cost.actualQueryCost,
    storedAt: now,
    expiresAt: now + maxAge * 1000,
    maxAge,
    scope: doc.scope === 'PRIVATE' ? 'PRIVATE' : scope,
  };
}

/** Stores `query` under `hash` in Apollo's APQ store when the hash is the query's sha256; false when it is not. */
async function persist(apq: KeyValueCache<string>, query: string, hash: string): Promise<boolean> {
  if ((await apq.get(`apq:${hash}`)) === query) return true;
  if (createHash('sha256').update(query).digest('hex') !== hash) return false;
  await apq.set(`apq:${hash}`, query);
  return true;
}

function searchOf(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i);
}
