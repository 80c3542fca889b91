/**
 * The typed context every resolver and service receives, built by one factory for each HTTP request (and, later,
 * each WebSocket operation), so DataLoader caches never leak between requests.
 */
import { createLoaders, type Loaders } from '../loaders/index.js';
import type { LoginThrottle } from './auth/loginThrottle.js';
import type { AccessTokens } from './auth/tokens.js';
import type { Config } from './config/index.js';
import type { Database, Db } from './db/index.js';
import type { PubSub } from './pubsub/index.js';
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
  db: Db;
  config: Config;
  request: RequestInfo;
  clock: Clock;
  auth: AuthDeps;
  pubsub: PubSub;
}

/** Milliseconds since the epoch. Injected so tests can move time (token expiry, lockouts). */
export type Clock = () => number;

/** What lives as long as the process and is shared by every request. */
export interface AppDeps {
  config: Config;
  database: Database;
  clock: Clock;
  auth: AuthDeps;
  pubsub: PubSub;
}

export interface AuthDeps {
  tokens: AccessTokens;
  loginThrottle: LoginThrottle;
}

export function createContext(deps: AppDeps, viewer: Viewer | null, request: RequestInfo): Context {
  return {
    viewer,
    loaders: createLoaders(deps.database.db),
    db: deps.database.db,
    config: deps.config,
    request,
    clock: deps.clock,
    auth: deps.auth,
    pubsub: deps.pubsub,
  };
}
