/**
 * The typed context every resolver and service receives, built by one factory for each HTTP request (and, later,
 * each WebSocket operation), so DataLoader caches never leak between requests.
 */
import { createLoaders, type Loaders } from '../loaders/index.js';
import type { LoginThrottle } from './auth/loginThrottle.js';
import type { AccessTokens } from './auth/tokens.js';
import type { Config } from './config/index.js';
import type { Engine, Queryable } from './db/engine.js';
import type { PubSub } from './pubsub/index.js';
import { createRequestCache, type RequestCache } from './cache/tags.js';
import type { ResponseCacheStore } from './stores/responseCache.js';
import type { Stores } from './stores/index.js';
import type { RateLimiter } from './plugins/rateLimit/index.js';
import type { Role } from './db/schema.js';

/** Who is asking; null when anonymous. */
export interface Viewer {
  id: number;
  role: Role;
}

/** Facts about the transport the operation came over. */
export interface RequestInfo {
  /** The caller's address (proxy headers are trusted only when configured). */
  ip: string;
  /** Correlates log lines of one request. */
  requestId: string;
}

export interface Context {
  viewer: Viewer | null;
  loaders: Loaders;
  /** The database; inside `withTransaction` (src/services/transaction.ts), the transaction. */
  db: Queryable;
  config: Config;
  request: RequestInfo;
  clock: Clock;
  auth: AuthDeps;
  pubsub: PubSub;
  /** Tags what this request reads; invalidates what it writes. */
  cache: RequestCache;
}

/** Milliseconds since the epoch. Injected so tests can move time (token expiry, lockouts). */
export type Clock = () => number;

/** What lives as long as the process and is shared by every request. */
export interface AppDeps {
  config: Config;
  /** SQLite or PostgreSQL, chosen once at start from DATABASE_URL (src/db/index.ts). */
  database: Engine;
  clock: Clock;
  auth: AuthDeps;
  pubsub: PubSub;
  /** Cost-point buckets per caller, shared by GraphQL, subscription starts and the REST shim. */
  rateLimiter: RateLimiter;
  /** The response cache; null when RESPONSE_CACHE=off. */
  responseCache: ResponseCacheStore | null;
  /** Every shared store, in-process or on Redis (src/stores). */
  stores: Stores;
}

export interface AuthDeps {
  tokens: AccessTokens;
  loginThrottle: LoginThrottle;
}

export function createContext(deps: AppDeps, viewer: Viewer | null, request: RequestInfo): Context {
  return {
    viewer,
    loaders: createLoaders(deps.database, { batch: deps.config.optimizations }),
    db: deps.database,
    config: deps.config,
    request,
    clock: deps.clock,
    auth: deps.auth,
    pubsub: deps.pubsub,
    cache: createRequestCache(deps.responseCache),
  };
}
