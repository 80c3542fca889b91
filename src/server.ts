/**
 * Builds the whole application on one fastify instance and one port: GraphQL (Apollo Server 5) at /graphql,
 * subscriptions over WebSocket on the same path (src/subscriptions), the operational routes, and the REST
 * shim at /api/v1 (src/rest). `close()` is the graceful shutdown:
 * stop accepting, let in-flight requests finish, then close the database.
 */
import { createServer } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { resolvers } from '../resolvers/index.js';
import type { Config } from './config/index.js';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import { usersByIds } from './data/catalog.js';
import { authenticate, createAccessTokens } from './auth/tokens.js';
import { createContext, type AppDeps, type Clock, type Context } from './context.js';
import type { Engine } from './db/engine.js';
import type { SqliteEngine } from './db/sqlite.js';
import { createFormatError } from './graphql/formatError.js';
import { jitExecutor } from './graphql/executor.js';
import { createExecutionPool, type ExecutionPool } from './graphql/executionPool.js';
import { createFastPath } from './http/fastPath.js';
import { loadTypeDefs } from './graphql/schema.js';
import { registerOpsRoutes } from './http/ops.js';
import { REST_PREFIX, restPlugin } from './rest/index.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { observabilityPlugin, recordCost } from './observability/plugin.js';
import { deprecationUsage } from './observability/deprecations.js';
import { countRateLimited } from './observability/rateLimit.js';
import { lazyChildLogger } from './observability/lazyLogger.js';
import { createRequestLog, registerRequestLog } from './observability/requestLog.js';
import { createDocumentAnalyzer } from './cache/document.js';
import { createDocumentStore } from './cache/documentStore.js';
import { graphqlRoute } from './http/graphqlRoute.js';
import { createCacheHits } from './http/cacheHits.js';
import { createFrontDoor, type FrontDoor } from './http/frontDoor.js';
import { cachePolicyPlugins } from './plugins/cachePolicy/index.js';
import { graphqlErrorHandler } from './http/graphqlRefusals.js';
import { entityTagPlugin } from './plugins/responseCache/index.js';
import { createRequestedCostMemo, httpBatchHooks, queryCostPlugin, queryLimits } from './plugins/queryCost/index.js';
import { createRateLimiter } from './plugins/rateLimit/index.js';
import { createStores, type Stores } from './stores/index.js';
import { attachSubscriptions, drainSubscriptions, type SubscriptionServer } from './subscriptions/server.js';

/** The contract's request body limit: 256 KB, larger is HTTP 413. */
const BODY_LIMIT = 256 * 1024;

export interface App {
  fastify: FastifyInstance;
  apollo: ApolloServer<Context>;
  deps: AppDeps;
  metrics: Metrics;
  /** The WebSocket server: `stats()` counts sockets, subscriptions and listeners. */
  subscriptions: SubscriptionServer;
  /** The front door (cache hits and the fast path before fastify): `answered()` counts what it wrote itself. */
  frontDoor: FrontDoor | null;
  /** The execution threads (SQLite, EXECUTION_THREADS > 0, response cache off): `ready()` waits for them to load. */
  threads: ExecutionPool | null;
  /** Starts listening; resolves to the base URL (`http://127.0.0.1:PORT`). */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** @default a fresh registry */
  metrics?: Metrics;
  /** Where log lines go (tests capture them). @default stdout */
  logStream?: DestinationStream;
  /** @default Date.now */
  clock?: Clock;
  /** The shared stores (tests inject their own). @default createStores(config): in-process, or Redis with REDIS_URL */
  stores?: Stores;
  /** Cache hits and the fast path answered before fastify (src/http/frontDoor.ts); tests compare with it off. @default true */
  frontDoor?: boolean;
}

export async function createApp(config: Config, database: Engine, options: AppOptions = {}): Promise<App> {
  const metrics = options.metrics ?? createMetrics();
  const production = config.env === 'production';
  // node:http's request event goes to the front door first (cache hits, src/http/frontDoor.ts), then to fastify.
  let frontDoor: FrontDoor | null = null;
  const fastify = Fastify({
    serverFactory: (handler, options) => {
      const opts = options as { keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number };
      const server = createServer((req, res) => (frontDoor ? frontDoor.handle(req, res, handler) : handler(req, res)));
      // What fastify does to the server it makes itself (its defaults: 72 s keep-alive, no request timeout).
      server.keepAliveTimeout = opts.keepAliveTimeout;
      server.requestTimeout = opts.requestTimeout;
      server.setTimeout(opts.connectionTimeout);
      return server;
    },
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      ...(options.logStream && { stream: options.logStream }),
    },
    bodyLimit: BODY_LIMIT,
    // Our onResponse hook writes the one line per request; fastify's own two lines are off.
    logController: new LogController({ disableRequestLogging: true }),
    // A request's child logger is made only if something logs through it (src/observability/lazyLogger.ts).
    childLoggerFactory: lazyChildLogger,
    return503OnClosing: true,
    // Behind a proxy we run, req.ip (the anonymous rate-limit key) comes from X-Forwarded-For.
    trustProxy: config.trustProxy,
    // Route JSON schemas (the REST shim's) refuse unknown body fields with 400 rather than silently dropping them.
    ajv: { customOptions: { removeAdditional: false } },
  });
  const clock = options.clock ?? Date.now;
  const stores = options.stores ?? createStores(config, { log: (message) => fastify.log.warn(message) });
  const deps: AppDeps = {
    config,
    database,
    clock,
    auth: {
      // A signed token must also name an existing account (src/auth/tokens.ts).
      tokens: createAccessTokens(config.jwtSecret, clock, async (id) => (await usersByIds(database, [id])).length > 0),
      loginThrottle: stores.attempts,
    },
    pubsub: stores.events,
    responseCache: stores.responseCache,
    rateLimiter: countRateLimited(createRateLimiter(config, stores.buckets, clock), metrics),
    stores,
  };
  const limits = queryLimits(config);

  // Browsers may call us only from the configured origins; Apollo's CSRF prevention stays on besides.
  const exposedHeaders = ['etag', 'location', 'retry-after', 'deprecation', 'sunset', 'link'];
  await fastify.register(cors, {
    origin: (origin, done) => done(null, origin !== undefined && config.corsOrigins.includes(origin)),
    allowedHeaders: [
      'content-type',
      'authorization',
      'apollo-require-preflight',
      'x-apollo-operation-name',
      'if-none-match',
      'idempotency-key',
    ],
    exposedHeaders,
    maxAge: 600,
  });

  // gzip or brotli (client's preference, br on a tie) for GraphQL and REST bodies of 1 KB or more. Registered
  // before every route: it attaches its onSend to each route as the route is added, so it runs after the route
  // scope's own onSend hooks (the REST ETag is computed on the plain body). WebSocket upgrades never reach it.
  // Bodies of 8 KiB or more are compressed as a stream (on the thread pool), smaller ones at once.
  const compression = { threshold: 1024, syncThreshold: 8 * 1024 };
  await fastify.register(compress, { encodings: ['br', 'gzip'], ...compression, globalDecompression: false });

  // One executable schema for both transports: Apollo over HTTP, graphql-ws over WebSocket on the same port and path.
  const schema = makeExecutableSchema<Context>({ typeDefs: loadTypeDefs(), resolvers });
  const formatError = createFormatError(fastify.log, production);
  const subscriptions = attachSubscriptions(fastify.server, schema, deps, { limits, formatError, production });
  await subscriptions.start();
  const deprecations = deprecationUsage(schema, metrics.deprecatedUses);

  const costs = createRequestedCostMemo(schema, limits.selections);
  const jit = config.optimizations && config.executor === 'jit' ? jitExecutor(schema) : null;
  // SQLite: the fast path's queries execute on worker threads, each with a read-only connection (EXECUTION_THREADS).
  const threads =
    jit && !deps.responseCache && database.dialect === 'sqlite' && config.executionThreads > 0
      ? createExecutionPool({
          threads: config.executionThreads,
          file: (database as SqliteEngine).path,
          config,
          selections: limits.selections,
          onStatements: (count) => {
            database.stats.statements += count;
          },
          onFailure: (err) => fastify.log.warn({ err }, 'an execution thread stopped; its queries run on the event loop'),
        })
      : null;
  // Operations Apollo has served run straight from the route next time (src/http/fastPath.ts): queries with the
  // response cache off, mutations always.
  const fastPath = jit
    ? createFastPath({
        threads,
        schema,
        deps,
        limits,
        costs,
        compile: jit.compile,
        countDeprecations: (key, query) => deprecations.countQuery(key, query),
        queries: !deps.responseCache,
        formatError,
        includeStacktrace: !production,
      })
    : null;

  // Automatic persisted queries: Apollo's store, shared with the response cache so hashed GETs can be hits.
  const apq = stores.apq;
  const apollo = new ApolloServer<Context>({
    // OPTIMIZATIONS=on executes with graphql-jit (unless EXECUTOR=graphql-js), through Apollo's gateway interface
    // (src/graphql/executor.ts); off, with graphql-js's stock executor.
    ...(jit ? { gateway: jit.gateway } : { schema }),
    persistedQueries: { cache: apq },
    // Parsed and validated documents by sha256, bounded by the bytes they really hold (src/cache/documentStore.ts).
    documentStore: createDocumentStore(),
    // src/main.ts owns SIGTERM/SIGINT (close() stops Apollo, then the stores and the database); Apollo's own
    // handler would race it, and the Redis connection then kept a half-closed process alive.
    stopOnTerminationSignals: false,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: !production,
    formatError,
    plugins: [
      fastifyApolloDrainPlugin(fastify),
      drainSubscriptions(subscriptions),
      queryCostPlugin({ limits, rateLimiter: deps.rateLimiter, onCost: recordCost, costs }),
      observabilityPlugin(metrics, limits),
      deprecations.plugin,
      // Apollo's cache hints, computed per document where the document decides them (no per-field hook).
      ...cachePolicyPlugins<Context>(),
      ...(deps.responseCache ? [entityTagPlugin(schema)] : []),
      ...(fastPath ? [fastPath.plugin] : []),
    ],
    // A huge document is refused while parsing; the plugin reports it as QUERY_TOO_COMPLEX (limit: tokens).
    parseOptions: { maxTokens: limits.tokens },
    // A JSON array of up to `limits.batch` operations, costed and charged as one request.
    allowBatchedHttpRequests: true,
  });
  await apollo.start();

  // Response-cache reads, shared by the /graphql route and the front door (src/http/cacheHits.ts).
  const cacheHits =
    deps.responseCache &&
    createCacheHits(deps, metrics, {
      store: deps.responseCache,
      analyze: createDocumentAnalyzer(schema),
      apq,
      onHit: (doc, query) => deprecations.countQuery(doc, query),
    });

  // One log line and one histogram sample per request; SQL and WebSocket counts are read at scrape time.
  const requestLog = createRequestLog(fastify.log, metrics);
  registerRequestLog(fastify, metrics, requestLog);
  metrics.observe({ sqlStatements: () => database.stats.statements, subscriptions: () => subscriptions.stats() });

  if ((cacheHits || fastPath) && options.frontDoor !== false) {
    frontDoor = createFrontDoor(deps, { hits: cacheHits, fast: fastPath }, metrics, requestLog, {
      corsOrigins: config.corsOrigins,
      exposedHeaders,
      compression,
      trustProxy: Boolean(config.trustProxy),
      logger: fastify.log,
    });
  }

  fastify.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    ...httpBatchHooks(limits.batch),
    // A body the front door read (and did not answer) is handed to fastify's parser as it was sent.
    ...(frontDoor && { preParsing: frontDoor.replayBody }),
    // Unreadable JSON and bodies over the limit answer in GraphQL's error shape (src/http/graphqlRefusals.ts).
    errorHandler: graphqlErrorHandler,
    handler: graphqlRoute(
      apollo,
      deps,
      metrics,
      cacheHits,
      fastPath,
    ),
  });
  registerOpsRoutes(fastify, database, metrics, { metricsToken: config.metricsToken, redis: stores.redis });
  await fastify.register(restPlugin, { prefix: REST_PREFIX, deps });


  return {
    fastify,
    apollo,
    deps,
    metrics,
    subscriptions,
    frontDoor,
    threads,
    listen: (port = config.port, host = config.host) => fastify.listen({ port, host }),
    async close() {
      frontDoor?.close();
      await apollo.stop(); // drains fastify (in-flight requests finish, new ones get 503) and closes every WebSocket
      await threads?.close();
      await stores.close();
      await database.close();
    },
  };
}
