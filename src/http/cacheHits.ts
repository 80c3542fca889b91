/**
 * Response-cache reads, whichever way a request came in: fastify's /graphql route (graphqlRoute.ts) and the front
 * door before fastify (frontDoor.ts) both read a request as a cacheable read with `read`, look it up with `get`,
 * and answer a hit with `answer` (the bucket charged the stored costs, `extensions.cost`, the cache headers), so a
 * hit has one admission path and one answer, whatever transport writes it.
 */
import { createHash } from 'node:crypto';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { LRUCache } from 'lru-cache';
import type { DocumentInfo } from '../cache/document.js';
import { cacheKey } from '../cache/key.js';
import type { AppDeps, Viewer } from '../context.js';
import { RateLimitedError } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import { operationNameOf } from '../observability/requestFacts.js';
import { costJson } from '../plugins/queryCost/costJson.js';
import type { ThrottleStatus } from '../plugins/rateLimit/index.js';
import type { CacheEntry, ResponseCacheStore } from '../stores/responseCache.js';
import { isCsrfSafe, readOperation, type GraphQLHttpRequest } from './graphqlRequest.js';

export interface ResponseCacheRoute {
  store: ResponseCacheStore;
  analyze(query: string, operationName: string | undefined): DocumentInfo | null;
  /** Apollo's APQ store (keys prefixed `apq:`), read here so hashed queries can be cache hits too. */
  apq: KeyValueCache<string>;
  /** Called for each response the cache answers (with the analysis and text of its query): usage metrics. */
  onHit?(doc: DocumentInfo, query: string): void;
}

/** A request the cache may answer: its document's analysis, its caller and its key. */
export interface CacheableRead {
  doc: DocumentInfo;
  query: string;
  viewer: Viewer | null;
  key: string;
  /** The operation's name for the log line and metrics. */
  operation(): string;
  /** Fills the key memo: called once the request was admitted (charged), so refused requests leave nothing. */
  remember(): void;
}

/** A response as either transport writes it. */
export interface HttpAnswer {
  status: number;
  headers: [string, string][];
  /** A cache hit's body is bytes (its stored data as they are), any other answer's a string. */
  body: string | Buffer;
  /** For the request's log line: its operation, and its cost when it was admitted. */
  operation: string;
  cost?: { requested: number; actual: number };
}

/** The caller's viewer (null: anonymous), or null when the request's token is bad (Apollo answers it with 401). */
export type ViewerOf = () => Promise<{ viewer: Viewer | null } | null>;

/**
 * The cache-key memo: a repeated request skips canonical JSON and sha256. Bounded by bytes, and only requests
 * whose memo key (document hash, operation name, scope, variables as sent) is short are memoized: a large variable
 * is hashed every time rather than kept.
 */
const KEY_MEMO_BYTES = 4 * 1024 * 1024;
const KEY_MEMO_MAX_CHARS = 2048;

/** Persisted queries' texts kept with their analysis (`persistedDoc`), by their size. */
const PERSISTED_MEMO_BYTES = 4 * 1024 * 1024;

const JSON_TYPE = 'application/json; charset=utf-8';

/** A hit's body opens with these bytes, then the stored data's (`CacheEntry.data`). */
const DATA_OPEN = Buffer.from('{"data":');

export type CacheHits = ReturnType<typeof createCacheHits>;

interface Prepared {
  op: ReturnType<typeof readOperation>;
  /** The analysis of the operation's text (undefined when it comes from the APQ store). */
  doc?: DocumentInfo | null;
  /** A public read's key: it depends on the content and its document alone. */
  publicKey?: string;
  /** The document `publicKey` was made for (a persisted query's comes from the APQ store each time). */
  keyedFor?: DocumentInfo;
}

const contentOf = (req: GraphQLHttpRequest): object | null => {
  const content = req.method === 'GET' ? req.query : req.body;
  return typeof content === 'object' && content !== null ? content : null;
};

export function createCacheHits(deps: AppDeps, metrics: Metrics, cache: ResponseCacheRoute) {
  const hits = metrics.cacheResults.of({ result: 'hit' });
  const keys = new LRUCache<string, string>({ maxSize: KEY_MEMO_BYTES, sizeCalculation: (key, memo) => (memo.length + key.length) * 2 + 100 });
  const persisted = new LRUCache<string, { query: string; doc: DocumentInfo | null }>({
    maxSize: PERSISTED_MEMO_BYTES,
    sizeCalculation: (known, key) => (known.query.length + key.length) * 2 + 200,
  });

  /**
   * The analysis of a persisted query's text as the APQ store gave it this time (the store is asked on every
   * request: an evicted query is Apollo's PERSISTED_QUERY_NOT_FOUND). Kept by hash and operation name, one copy
   * whatever the requests that name it, so the same text is compared, not hashed and analyzed again.
   */
  function persistedDoc(hash: string, operationName: string | undefined, query: string): DocumentInfo | null {
    const key = `${hash}\n${operationName ?? ''}`;
    let known = persisted.get(key);
    if (known?.query !== query) persisted.set(key, (known = { query, doc: cache.analyze(query, operationName) }));
    return known.doc;
  }

  /**
   * `cacheKey`, memoized on the request as sent: the same document analysis, operation name, variables (their JSON
   * as received, so another key order is another memo entry for the same canonical key) and scope.
   */
  function keyFor(doc: DocumentInfo, operationName: string | undefined, variables: unknown, viewer: Viewer | null) {
    const scope = doc.scope === 'PRIVATE' ? `user:${viewer?.id ?? 'anonymous'}` : 'public';
    const whole = `${doc.hash}\n${operationName ?? ''}\n${scope}\n${variables === undefined ? '' : JSON.stringify(variables)}`;
    const memo = whole.length <= KEY_MEMO_MAX_CHARS ? whole : undefined;
    const known = memo === undefined ? undefined : keys.get(memo);
    const key = known ?? cacheKey(doc, operationName, variables, viewer);
    return { key, remember: () => void (memo !== undefined && known === undefined && keys.set(memo, key)) };
  }

  /** The contract's `extensions.cost`, as the query-cost plugin reports it on executed operations. */
  const costExtension = (requestedQueryCost: number, actualQueryCost: number, throttleStatus: ThrottleStatus) => ({
    requestedQueryCost,
    actualQueryCost,
    limit: deps.config.maxQueryCost,
    throttleStatus,
  });

  /**
   * What a request's content (a POST's parsed body, a GET's parsed query string) decides by itself: its operation,
   * the analysis of its text, and, for a public read, its key. Kept beside the content object, so a caller that
   * hands the same object again (the front door memoizes the contents it parsed, src/http/frontDoor.ts) reads it
   * once; a persisted query's text comes from the APQ store each time.
   */
  const prepared = new WeakMap<object, Prepared>();
  function prepare(req: GraphQLHttpRequest): Prepared {
    const content = contentOf(req);
    const known = content && prepared.get(content);
    if (known) return known;
    const op = readOperation(req);
    const made: Prepared = { op, doc: op?.query !== undefined ? cache.analyze(op.query, op.operationName) : undefined };
    if (content) prepared.set(content, made);
    return made;
  }

  return {
    store: cache.store,

    /**
     * The request as a cacheable read, or null when the cache should not answer it (Apollo does): not a single
     * query, a cross-site "simple" request, a store that cannot be trusted right now, a bad token. A persisted
     * query sent with its text registers it, as Apollo would (else the client would send the text on every load),
     * unless `register` is false, when such a request is not a cacheable read either.
     */
    async read(req: GraphQLHttpRequest, viewerOf: ViewerOf, register = true): Promise<CacheableRead | null> {
      const made = prepare(req);
      const { op } = made;
      // A store that cannot be trusted right now (Redis lost or recovering) is not read: reads go to the database.
      if (!op || !isCsrfSafe(req) || !cache.store.available()) return null;
      const query = op.query ?? (op.persistedHash ? await cache.apq.get(`apq:${op.persistedHash}`) : undefined);
      const doc = made.doc !== undefined ? made.doc : query === undefined ? null : persistedDoc(op.persistedHash!, op.operationName, query);
      if (!doc?.isQuery) return null;
      if (op.query !== undefined && op.persistedHash !== undefined) {
        // A hash that does not match the text is Apollo's to refuse.
        if (!register || !(await persist(cache.apq, op.query, op.persistedHash))) return null;
      }
      const caller = await viewerOf();
      if (!caller) return null;
      const operation = () => operationNameOf(doc, query!, op.operationName);
      if (doc.scope === 'PUBLIC') {
        // The key of a public read depends on its content and document alone: kept with them (see `prepare`).
        if (made.keyedFor !== doc) {
          made.publicKey = cacheKey(doc, op.operationName, op.variables, null);
          made.keyedFor = doc;
        }
        return { doc, query: query!, viewer: caller.viewer, key: made.publicKey!, remember: () => undefined, operation };
      }
      const { key, remember } = keyFor(doc, op.operationName, op.variables, caller.viewer);
      return { doc, query: query!, viewer: caller.viewer, key, remember, operation };
    },

    get: (read: CacheableRead): Promise<CacheEntry | undefined> => cache.store.get(read.key, deps.clock()),

    /** A hit's answer: the caller's bucket charged what the stored response cost, or 429 when it holds too little. */
    async answer(read: CacheableRead, entry: CacheEntry, ip: string): Promise<HttpAnswer> {
      cache.onHit?.(read.doc, read.query);
      const caller = { viewer: read.viewer, request: { ip } };
      const operation = read.operation();
      let throttleStatus;
      try {
        // Needs the requested cost, keeps the actual one: one store call (on Redis, one round trip besides the hit's).
        throttleStatus = await deps.rateLimiter.spendKnown(caller, entry.requestedCost, entry.actualCost);
      } catch (err) {
        if (!(err instanceof RateLimitedError)) throw err;
        const cost = costExtension(entry.requestedCost, 0, await deps.rateLimiter.status(caller));
        return { ...rateLimitedAnswer(err, cost), operation };
      }
      read.remember();
      hits.inc();
      const now = deps.clock();
      const headers: [string, string][] = [
        ['content-type', JSON_TYPE],
        ['x-cache', 'HIT'],
        ['age', String(Math.max(0, Math.floor((now - entry.storedAt) / 1000)))],
        ['cache-control', `max-age=${Math.max(0, Math.floor((entry.expiresAt - now) / 1000))}, ${entry.scope.toLowerCase()}`],
      ];
      if (entry.scope === 'PUBLIC') headers.push(['cache-tag', tagHeader(entry.tags)]);
      const cost = costJson(costExtension(entry.requestedCost, entry.actualCost, throttleStatus));
      return {
        status: 200,
        headers,
        body: Buffer.concat([DATA_OPEN, entry.data, Buffer.from(`,"extensions":{"cost":${cost}}}`)]),
        operation,
        cost: { requested: entry.requestedCost, actual: entry.actualCost },
      };
    },
  };
}

/** A public entry's `Cache-Tag`, joined once per tags array (the in-process store hands the same entry to each hit). */
const joinedTags = new WeakMap<readonly string[], string>();
function tagHeader(tags: readonly string[]): string {
  let joined = joinedTags.get(tags);
  if (joined === undefined) joinedTags.set(tags, (joined = tags.join(',')));
  return joined;
}

/** A 429 in GraphQL's shape, with `Retry-After`, and `extensions.cost` when the operation was costed. */
export function rateLimitedAnswer(err: RateLimitedError, cost?: object): Omit<HttpAnswer, 'operation'> {
  const { http, ...extensions } = err.extensions as { http: { status: number; headers: Map<string, string> } };
  return {
    status: 429,
    headers: [...http.headers, ['x-cache', 'BYPASS'], ['content-type', JSON_TYPE]],
    body: JSON.stringify({ errors: [{ message: err.message, extensions }], ...(cost && { extensions: { cost } }) }),
  };
}

/** Stores `query` under `hash` in Apollo's APQ store when the hash is the query's sha256; false when it is not. */
async function persist(apq: KeyValueCache<string>, query: string, hash: string): Promise<boolean> {
  if ((await apq.get(`apq:${hash}`)) === query) return true;
  if (createHash('sha256').update(query).digest('hex') !== hash) return false;
  await apq.set(`apq:${hash}`, query);
  return true;
}
