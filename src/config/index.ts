/**
 * The one place that reads `process.env`. Every setting is parsed and validated once, at start; a bad value
 * throws a ConfigError whose message is one line naming the variable.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DEFAULT_OFFLOAD_FROM_US, DEFAULT_SQLITE_READERS } from '../db/sqliteReaders.js';
import { DEFAULT_EXECUTION_THREADS } from '../graphql/executionPool.js';

export type Environment = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type Executor = 'jit' | 'graphql-js';

export interface Config {
  env: Environment;
  /** @default 4000 */
  port: number;
  /** @default '0.0.0.0' */
  host: string;
  /**
   * The database: an absolute SQLite file path, or a `postgres://` / `postgresql://` URL (opened by
   * `openDatabase`, which chooses the engine from it). @default './data/bazaar.db'
   */
  databaseUrl: string;
  /**
   * SQLite only: read-only connections on worker threads that run the reads outside transactions, so SQLite's work
   * for them leaves the event loop (0: every statement on the one connection). @default 0 (src/db/sqliteReaders.ts)
   */
  sqliteReaders: number;
  /**
   * SQLite only, with readers: a read goes to a reader once its SQLite time (a moving average by statement) is at
   * least this many µs; cheaper reads run on the event loop. @default DEFAULT_OFFLOAD_FROM_US (src/db/sqliteReaders.ts)
   */
  sqliteOffloadUs: number;
  /**
   * SQLite only: worker threads that execute repeated queries (the fast path's), each on a read-only connection of
   * its own, so execution leaves the event loop for the machine's other cores (0: every query on the event loop).
   * @default os.availableParallelism(), at most 4 (src/graphql/executionPool.ts)
   */
  executionThreads: number;
  /** HS256 secret for access tokens. Generated (and warned about) in development when unset. */
  jwtSecret: string;
  jwtSecretGenerated: boolean;
  /** @default 1000 */
  maxQueryCost: number;
  /** Levels of field nesting. @default 12 */
  maxQueryDepth: number;
  /** Bucket size in cost points for signed-in callers. @default 2000 */
  rateLimitMax: number;
  /** @default 1000 */
  rateLimitAnonMax: number;
  /** Points restored per second. @default 100 */
  rateLimitRestore: number;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. @default undefined (public) */
  metricsToken?: string;
  /** Sign-ups one client (IP) may make at once before each further one waits (then locks at 7 more). @default 3 */
  signUpBurst: number;
  /** Take the client IP from X-Forwarded-For (behind a proxy you run). @default false */
  trustProxy: boolean;
  /** @default true */
  introspection: boolean;
  /** @default 'info' */
  logLevel: LogLevel;
  /** Products seeded on first start of an empty database. @default 10000 */
  seedProducts: number;
  /** Browser origins allowed to call the API cross-origin (CORS). @default [] (same origin only) */
  corsOrigins: string[];
  /** Serve repeated reads from the response cache. @default true */
  responseCache: boolean;
  /** Bound on the in-process response cache (on Redis: on one response). @default 67_108_864 (64 MiB) */
  cacheMaxBytes: number;
  /** What instances share (src/stores). @default null: everything in-process */
  redisUrl: string | null;
  /** Starts every Redis key this server writes (several deployments, or test servers, may share one Redis). @default 'bazaar:' */
  redisPrefix: string;
  /**
   * Execute with graphql-jit and batch lookups with DataLoader. `off` runs graphql-js's stock executor and loaders
   * that neither batch nor cache: the baseline the benchmarks measure the optimizations against. @default true
   */
  optimizations: boolean;
  /**
   * The executor when `optimizations` is on: graphql-jit, or graphql-js's own (an escape hatch that keeps batching,
   * and the benchmarks' way to tell the executor's share from the loaders'). @default 'jit'
   */
  executor: Executor;
  /** Subscriptions over WebSocket: what one client may hold, and how the change feed runs. */
  websocket: WebSocketLimits;
}

/** Everything a WebSocket client can make the server hold has a bound here (issue 11, items 2 and 5). */
export interface WebSocketLimits {
  /** Open WebSocket connections in all (keep it under the file-handle limit, `ulimit -n`). @default 10_000 */
  maxConnections: number;
  /** Open WebSocket connections per client IP; more are refused at the handshake (HTTP 429). @default 100 */
  maxConnectionsPerIp: number;
  /** Cost points a connection spends from its caller's bucket at `connection_init`. @default 10 */
  connectionCost: number;
  /** The largest message a socket may send before it is acknowledged (its `connection_init`). @default 4_096 */
  maxInitPayloadBytes: number;
  /** Subscriptions open at once on one connection. @default 100 */
  maxSubscriptionsPerConnection: number;
  /** Subscriptions open at once per user (per IP when anonymous), over all their connections. @default 500 */
  maxSubscriptionsPerUser: number;
  /** Characters in a graphql-ws subscription id. @default 128 */
  maxSubscriptionIdLength: number;
  /** Bytes queued for a socket that it has not read; past it the socket is closed with 1013. @default 262_144 */
  maxBufferedBytes: number;
  /** The change feed's poll: the longest a change waits when its notification is lost. @default 1_000 ms */
  pollMs: number;
}

function websocketLimits(env: Env): WebSocketLimits {
  return {
    maxConnections: int(env, 'WS_MAX_CONNECTIONS', 10_000, 1),
    maxConnectionsPerIp: int(env, 'WS_MAX_CONNECTIONS_PER_IP', 100, 1),
    connectionCost: int(env, 'WS_CONNECTION_COST', 10, 0),
    maxInitPayloadBytes: int(env, 'WS_MAX_INIT_PAYLOAD_BYTES', 4_096, 64, 262_144),
    maxSubscriptionsPerConnection: int(env, 'WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', 100, 1),
    maxSubscriptionsPerUser: int(env, 'WS_MAX_SUBSCRIPTIONS_PER_USER', 500, 1),
    maxSubscriptionIdLength: int(env, 'WS_MAX_SUBSCRIPTION_ID_LENGTH', 128, 1, 4_096),
    maxBufferedBytes: int(env, 'WS_MAX_BUFFERED_BYTES', 256 * 1024, 1_024),
    pollMs: int(env, 'SUBSCRIPTION_POLL_MS', 1_000, 10, 3_600_000),
  };
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const EXECUTORS: Executor[] = ['jit', 'graphql-js'];

function fail(name: string, expected: string, got: string): never {
  throw new ConfigError(`Invalid configuration: ${name} must be ${expected} (got "${got}")`);
}

function int(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) fail(name, `an integer from ${min} to ${max}`, raw);
  return n;
}

/** A bucket must hold the costliest query allowed, or that query could never run. */
function bucketSize(env: Env, name: string, fallback: number, maxQueryCost: number): number {
  const n = int(env, name, fallback, 1);
  if (n < maxQueryCost) fail(name, `at least MAX_QUERY_COST (${maxQueryCost}), or the costliest queries could never run`, String(n));
  return n;
}

function toggle(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  return fail(name, '"on" or "off"', env[name]!);
}

/** A plain path and a `file:` URL both mean SQLite (made absolute); `postgres://` and `postgresql://` mean PostgreSQL. */
function databaseUrl(raw: string | undefined): string {
  if (raw === undefined || raw === '') return resolve('data/bazaar.db');
  if (raw.startsWith('file:')) {
    const path = raw.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) fail('DATABASE_URL', 'a SQLite file path or file: URL', raw);
    return resolve(decodeURIComponent(path));
  }
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return fail('DATABASE_URL', 'postgres://USER[:PASSWORD]@HOST[:PORT]/DB', raw.replace(/:[^:@/]*@/, ':***@'));
    }
    if (!url.hostname || url.pathname.length < 2) {
      fail('DATABASE_URL', 'postgres://USER[:PASSWORD]@HOST[:PORT]/DB (a host and a database name)', raw.replace(/:[^:@/]*@/, ':***@'));
    }
    return raw;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    fail('DATABASE_URL', 'a SQLite file path, a file: URL, or a postgres:// URL', raw);
  }
  return resolve(raw);
}

/** A bearer token for /metrics: at least 16 characters, no spaces. */
function metricsToken(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 16 || /\s/.test(raw)) fail('METRICS_TOKEN', 'at least 16 characters without spaces', '*'.repeat(raw.length));
  return raw;
}

/** A comma-separated list of origins such as `https://shop.example.in`. */
function origins(raw: string | undefined): string[] {
  const list = (raw ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) fail('CORS_ORIGINS', 'comma-separated origins like https://shop.example.in', origin);
  }
  return list;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    fail('NODE_ENV', '"development", "production" or "test"', nodeEnv);
  }
  const production = nodeEnv === 'production';

  const redisUrl = env.REDIS_URL || null;
  if (redisUrl !== null && !/^rediss?:\/\/[^/\s]*(\/\d+)?$/.test(redisUrl)) {
    fail('REDIS_URL', 'redis://[:PASSWORD@]HOST[:PORT][/N]', redisUrl.replace(/\/\/[^@/]*@/, '//***@'));
  }

  let jwtSecret = env.JWT_SECRET ?? '';
  const jwtSecretGenerated = jwtSecret === '';
  if (jwtSecretGenerated) {
    if (production) fail('JWT_SECRET', 'set when NODE_ENV=production (at least 32 characters)', '');
    jwtSecret = randomBytes(32).toString('base64url');
  } else if (jwtSecret.length < 32) {
    fail('JWT_SECRET', 'at least 32 characters', '*'.repeat(jwtSecret.length));
  }

  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, logLevel);
  const maxQueryCost = int(env, 'MAX_QUERY_COST', 1000, 1);
  const executor = (env.EXECUTOR || 'jit') as Executor;
  if (!EXECUTORS.includes(executor)) fail('EXECUTOR', `one of ${EXECUTORS.join(', ')}`, executor);

  return {
    env: nodeEnv as Environment,
    port: int(env, 'PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl: databaseUrl(env.DATABASE_URL),
    sqliteReaders: int(env, 'SQLITE_READERS', DEFAULT_SQLITE_READERS, 0, 16),
    sqliteOffloadUs: int(env, 'SQLITE_OFFLOAD_US', DEFAULT_OFFLOAD_FROM_US, 0, 60_000_000),
    executionThreads: int(env, 'EXECUTION_THREADS', DEFAULT_EXECUTION_THREADS, 0, 64),
    jwtSecret,
    jwtSecretGenerated,
    maxQueryCost,
    maxQueryDepth: int(env, 'MAX_QUERY_DEPTH', 12, 1, 1000),
    rateLimitMax: bucketSize(env, 'RATE_LIMIT_MAX', 2000, maxQueryCost),
    rateLimitAnonMax: bucketSize(env, 'RATE_LIMIT_ANON_MAX', 1000, maxQueryCost),
    rateLimitRestore: int(env, 'RATE_LIMIT_RESTORE', 100, 1),
    signUpBurst: int(env, 'SIGNUP_BURST', 3, 1),
    metricsToken: metricsToken(env.METRICS_TOKEN),
    trustProxy: toggle(env, 'TRUST_PROXY', false),
    introspection: toggle(env, 'INTROSPECTION', true),
    logLevel,
    seedProducts: int(env, 'SEED_PRODUCTS', 10_000, 0, 100_000_000),
    corsOrigins: origins(env.CORS_ORIGINS),
    responseCache: toggle(env, 'RESPONSE_CACHE', true),
    cacheMaxBytes: int(env, 'CACHE_MAX_BYTES', 64 * 1024 * 1024, 1024),
    redisUrl,
    redisPrefix: env.REDIS_PREFIX || 'bazaar:',
    optimizations: toggle(env, 'OPTIMIZATIONS', true),
    executor,
    websocket: websocketLimits(env),
  };
}
