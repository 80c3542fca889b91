/**
 * Builds the whole application on one fastify instance and one port: GraphQL (Apollo Server 5) at /graphql,
 * the operational routes, and later the WebSocket path and the REST shim. `close()` is the graceful shutdown:
 * stop accepting, let in-flight requests finish, then close the database.
 */
import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { resolvers } from '../resolvers/index.js';
import type { Config } from './config/index.js';
import cors from '@fastify/cors';
import { createMemoryLoginThrottle } from './auth/loginThrottle.js';
import { authenticate, createAccessTokens } from './auth/tokens.js';
import { createContext, type AppDeps, type Clock, type Context } from './context.js';
import type { Database } from './db/index.js';
import { createFormatError } from './graphql/formatError.js';
import { loadTypeDefs } from './graphql/schema.js';
import { registerOpsRoutes } from './http/ops.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createMemoryPubSub } from './pubsub/index.js';

/** The contract's request body limit: 256 KB, larger is HTTP 413. */
const BODY_LIMIT = 256 * 1024;

export interface App {
  fastify: FastifyInstance;
  apollo: ApolloServer<Context>;
  deps: AppDeps;
  metrics: Metrics;
  /** Starts listening; resolves to the base URL (`http://127.0.0.1:PORT`). */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** @default a fresh registry */
  metrics?: Metrics;
  /** @default Date.now */
  clock?: Clock;
}

export async function createApp(config: Config, database: Database, options: AppOptions = {}): Promise<App> {
  const metrics = options.metrics ?? createMetrics();
  const production = config.env === 'production';
  const fastify = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: BODY_LIMIT,
    // Our onResponse hook writes the one line per request; fastify's own two lines are off.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });
  const clock = options.clock ?? Date.now;
  const deps: AppDeps = {
    config,
    database,
    clock,
    auth: { tokens: createAccessTokens(config.jwtSecret, clock), loginThrottle: createMemoryLoginThrottle() },
    pubsub: createMemoryPubSub(),
  };

  // Browsers may call us only from the configured origins; Apollo's CSRF prevention stays on besides.
  await fastify.register(cors, {
    origin: (origin, done) => done(null, origin !== undefined && config.corsOrigins.includes(origin)),
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'],
    maxAge: 600,
  });

  const apollo = new ApolloServer<Context>({
    typeDefs: loadTypeDefs(),
    resolvers,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: !production,
    formatError: createFormatError(fastify.log, production),
    plugins: [fastifyApolloDrainPlugin(fastify)],
  });
  await apollo.start();

  fastify.route({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: fastifyApolloHandler(apollo, {
      // A bad Authorization header fails here, before parsing: UNAUTHENTICATED, HTTP 401, never anonymous.
      context: async (req) =>
        createContext(deps, await authenticate(deps.auth.tokens, req.headers.authorization), {
          ip: req.ip,
          requestId: req.id,
        }),
    }),
  });
  registerOpsRoutes(fastify, database, metrics);

  // One log line and one histogram sample per request.
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ route, method: req.method, status: reply.statusCode }, reply.elapsedTime / 1000);
    req.log.info({ method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  return {
    fastify,
    apollo,
    deps,
    metrics,
    listen: (port = config.port, host = config.host) => fastify.listen({ port, host }),
    async close() {
      await apollo.stop(); // drains fastify: in-flight requests finish, new ones get 503
      database.close();
    },
  };
}
