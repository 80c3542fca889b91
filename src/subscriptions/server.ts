/**
 * The WebSocket half of /graphql: graphql-ws (the `graphql-transport-ws` subprotocol) over `ws`, on the HTTP
 * server and path Apollo serves, disposed in Apollo's `drainServer`. Thin on purpose (STYLE rule 13): it turns
 * `connection_init` into a viewer, admits each operation (guard.ts), builds its context with the same factory as
 * HTTP, and closes a socket with 4403 when its access token expires. The order logic is in
 * src/services/orderUpdates.ts.
 *
 * Close codes a client sees: 4403 a bad token at `connection_init`, or the token expired (resume with a fresh one
 * and `afterEventId`); 4408 no `connection_init` in time; 4406 not the graphql-transport-ws subprotocol;
 * 1001 the server is shutting down; 1009 a message over the size limit.
 */
import type { Server } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { CloseCode, type Context as WsContext } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { createContext, type AppDeps } from '../context.js';
import { UnauthenticatedError } from '../errors.js';
import type { QueryLimits } from '../plugins/queryCost/index.js';
import { admitOperation } from './guard.js';
import { createExpiryTimers, openSession, type Session } from './session.js';

export interface SubscriptionOptions {
  /** The query guard's limits, applied to subscriptions too. */
  limits: QueryLimits;
  /** Apollo's error formatter, so WebSocket errors are masked exactly like HTTP ones. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Hides error details from clients. */
  production: boolean;
  /** The WebSocket path; the same as GraphQL over HTTP. @default '/graphql' */
  path?: string;
  /**
   * How often the server pings each socket (a WebSocket ping frame, answered by the client's WebSocket itself);
   * a socket that does not answer within the same time is terminated and everything it held is freed.
   * @default 12_000 // 12 seconds, graphql-ws's default
   */
  keepAliveMs?: number;
  /** How long a socket may stay open without sending `connection_init` (then 4408). @default 3_000 */
  connectionInitWaitTimeoutMs?: number;
  /** The largest message a client may send (larger closes the socket with 1009). @default 262_144 // 256 KB, as HTTP */
  maxPayloadBytes?: number;
}

/** What the server holds right now: the leak test asserts these return to zero, /metrics can export them. */
export interface SubscriptionStats {
  /** Open WebSocket connections, acknowledged or not. */
  sockets: number;
  /** Acknowledged graphql-ws connections. */
  connections: number;
  /** Operations started and not yet completed, across all connections. */
  subscriptions: number;
  /** Pub/sub listeners registered by the whole process. */
  listeners: number;
  /** Token expiry timers armed. */
  expiryTimers: number;
}

export interface SubscriptionServer {
  stats(): SubscriptionStats;
  /** Closes every socket (1001 Going away) and stops accepting. */
  dispose(): Promise<void>;
}

type ConnectionContext = WsContext<Record<string, unknown>, Extra & { session?: Session }>;

/** After dispose has asked every socket to close, how long to wait for their close handshakes before cutting them. */
const DISPOSE_GRACE_MS = 3_000;

export function attachSubscriptions(
  httpServer: Server,
  schema: GraphQLSchema,
  deps: AppDeps,
  options: SubscriptionOptions,
): SubscriptionServer {
  const { limits, formatError, production } = options;
  const wss = new WebSocketServer({
    server: httpServer,
    path: options.path ?? '/graphql',
    maxPayload: options.maxPayloadBytes ?? 256 * 1024,
  });
  const connections = new Set<ConnectionContext>();
  const timers = createExpiryTimers(deps.clock);
  const { expired } = timers;
  let seq = 0;
  const forbid = (ctx: ConnectionContext) => ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden: the access token has expired');

  const format = (errors: readonly { toJSON(): GraphQLFormattedError }[]) =>
    errors.map((error) => withoutHttp(formatError(error.toJSON(), error)));

  const disposable = useServer<Record<string, unknown>, { session: Session }>(
    {
      schema,
      isProd: production,
      connectionInitWaitTimeout: options.connectionInitWaitTimeoutMs ?? 3_000,
      // `connectionParams: { authorization: "Bearer <token>" }`; none is anonymous, a bad or expired one is 4403.
      async onConnect(ctx) {
        const session = await openSession(deps.auth.tokens, ctx.connectionParams?.authorization, ++seq);
        if (!session) return false;
        ctx.extra.session = session;
        connections.add(ctx);
        timers.arm(session, () => forbid(ctx));
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        const session = ctx.extra.session!;
        if (expired(session)) {
          forbid(ctx);
          return [new UnauthenticatedError('The access token has expired.')];
        }
        return admitOperation({ schema, limits, rateLimiter: deps.rateLimiter }, payload, {
          viewer: session.viewer,
          request: { ip: ipOf(ctx, deps.config.trustProxy) },
        });
      },
      context: (ctx, id) =>
        createContext(deps, ctx.extra.session!.viewer, { ip: ipOf(ctx, deps.config.trustProxy), requestId: `ws-${ctx.extra.session!.seq}-${id}` }),
      // Authorization holds per event: a token that expired since the last one closes the socket instead (a
      // closing socket sends nothing, so the client resumes from the last event it did get).
      onNext(ctx, _id, _payload, _args, result) {
        if (expired(ctx.extra.session!)) {
          forbid(ctx);
          return;
        }
        if (result.errors) return { ...result, errors: format(result.errors) };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onClose(ctx) {
        timers.disarm(ctx.extra.session);
        connections.delete(ctx);
      },
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return {
    stats() {
      let subscriptions = 0;
      for (const ctx of connections) subscriptions += Object.keys(ctx.subscriptions).length;
      return {
        sockets: wss.clients.size,
        connections: connections.size,
        subscriptions,
        listeners: deps.pubsub.listenerCount(),
        expiryTimers: timers.armed(),
      };
    },
    async dispose() {
      // A client that never answers the close handshake would hold shutdown for ws's 30 s; cut it sooner.
      const cut = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, DISPOSE_GRACE_MS);
      try {
        await disposable.dispose();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}

/** Disposes the WebSocket server when Apollo drains (`apollo.stop()`), beside fastify's own drain. */
export function drainSubscriptions(subscriptions: SubscriptionServer): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async drainServer() {
          await subscriptions.dispose();
        },
      };
    },
  };
}

/** The caller's address, as fastify's `req.ip` has it: X-Forwarded-For's client entry only behind a trusted proxy. */
function ipOf(ctx: ConnectionContext, trustProxy: boolean): string {
  const forwarded = ctx.extra.request.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string' && forwarded.trim()) return forwarded.split(',')[0]!.trim();
  return ctx.extra.request.socket.remoteAddress ?? '';
}

/** Apollo strips `extensions.http` (status and headers for HTTP) before a client sees an error; so do we. */
function withoutHttp(error: GraphQLFormattedError): GraphQLFormattedError {
  if (!error.extensions || !('http' in error.extensions)) return error;
  const { http: _, ...extensions } = error.extensions;
  return { ...error, extensions };
}
