/**
 * The WebSocket half of /graphql: `graphql-transport-ws` (graphql-ws's protocol) over `ws`, on the HTTP server and
 * path Apollo serves, disposed in Apollo's `drainServer`. This file accepts sockets (the per-IP and total caps are
 * applied at the handshake, before anything is allocated for them), keeps them alive with one sweep for all, and
 * wires the change feed (feed.ts) to the hub (hub.ts); each socket's protocol is connection.ts.
 *
 * Close codes a client sees: 4403 a bad token at `connection_init`, or the token expired (resume with a fresh one
 * and `afterEventId`); 4408 no `connection_init` in time; 4406 not the graphql-transport-ws subprotocol; 4400 a
 * malformed message, a `connection_init` over its limit, or a subscription id over its length; 4401 a subscribe
 * before the acknowledgement; 4409 a subscription id already in use; 1013 the socket stopped reading what it is
 * sent, or the caller's bucket cannot pay for the connection (resume with `afterEventId`); 1001 the server is
 * shutting down; 1009 a message over the size limit. A handshake over the per-IP cap is HTTP 429, over the total
 * cap HTTP 503.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { CloseCode, GRAPHQL_TRANSPORT_WS_PROTOCOL } from 'graphql-ws';
import WebSocket, { WebSocketServer } from 'ws';
import type { AppDeps } from '../context.js';
import * as orders from '../data/orders.js';
import type { QueryLimits } from '../plugins/queryCost/index.js';
import { Connection, type Shared } from './connection.js';
import { createChangeFeed } from './feed.js';
import { createHub, type Hub, type HubStats } from './hub.js';
import { createExpiryTimers } from './session.js';

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
   * a socket that has not answered by its next turn is terminated and everything it held is freed.
   * @default 12_000 // 12 seconds, graphql-ws's default
   */
  keepAliveMs?: number;
  /** How long a socket may stay open without sending `connection_init` (then 4408). @default 3_000 */
  connectionInitWaitTimeoutMs?: number;
  /** The largest message a client may send (larger closes the socket with 1009). @default 262_144 // 256 KB, as HTTP */
  maxPayloadBytes?: number;
}

/**
 * What the server holds right now: the leak test asserts these return to zero, /metrics exports them. The hub's
 * counters (groups, executions, deliveries, fan-out times) as it reports them; its `subscriptions` is `listeners` here.
 */
export interface SubscriptionStats extends Omit<HubStats, 'subscriptions'> {
  /** Open WebSocket connections, acknowledged or not. */
  sockets: number;
  /** Acknowledged graphql-ws connections. */
  connections: number;
  /** Operations started and not yet completed, across all connections (starting ones included). */
  subscriptions: number;
  /** Subscriptions registered with the change feed. */
  listeners: number;
  /** Token expiry timers armed. */
  expiryTimers: number;
  /** Sockets closed for not reading their messages. */
  cutOff: number;
  /** Statements the change feed has issued. */
  feedReads: number;
}

export interface SubscriptionServer {
  /** The fan-out itself (tests reach past the socket with it). */
  readonly hub: Hub;
  /** Starts the change feed (after the latest event committed now). */
  start(): Promise<void>;
  stats(): SubscriptionStats;
  /** Reads the committed changes now and resolves once they are handed to the sockets (tests). */
  pull(): Promise<void>;
  /** Makes the change feed read (it idles without subscribers); resolves once it does (tests using `hub` directly). */
  activate(): Promise<void>;
  /** Closes every socket (1001 Going away) and stops accepting. */
  dispose(): Promise<void>;
}

/** After dispose has asked every socket to close, how long to wait for their close handshakes before cutting them. */
const DISPOSE_GRACE_MS = 3_000;
/** Keep-alive turns per period: each turn pings an eighth of the sockets, so 10,000 pings never go out at once. */
const SLICES = 8;

export function attachSubscriptions(
  httpServer: Server,
  schema: GraphQLSchema,
  deps: AppDeps,
  options: SubscriptionOptions,
): SubscriptionServer {
  const { limits, formatError } = options;
  const path = options.path ?? '/graphql';
  const ws = deps.config.websocket;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: options.maxPayloadBytes ?? 256 * 1024,
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_TRANSPORT_WS_PROTOCOL) ? GRAPHQL_TRANSPORT_WS_PROTOCOL : false),
  });
  const formatErrors = (errors: readonly GraphQLError[]) => errors.map((e) => withoutHttp(formatError(e.toJSON(), e)));
  const hub = createHub({ schema, deps, formatErrors, onEmpty: () => feed.idle() });
  const feed = createChangeFeed({
    read: (after, limit) => orders.committedEventsAfter(deps.database, after, limit),
    latest: () => orders.lastEventId(deps.database),
    notifier: deps.pubsub,
    deliver: (events) => hub.deliver(events),
    onError: () => {}, // retried at the next notification or poll
    pollMs: ws.pollMs,
  });
  const timers = createExpiryTimers(deps.clock);
  // With instances sharing Redis, an instance hears of changes made elsewhere only through it: while it is lost,
  // open subscriptions are closed (1013: resume with afterEventId) and new ones refused, rather than left to wait
  // for the poll without saying so. The database stays the record, so a resume misses nothing.
  const redis = deps.stores.redis;
  redis?.onChange((available) => {
    if (available) return void feed.pull();
    for (const conn of connections) conn.close(1013, 'Try again later: the notification channel is down; resume with afterEventId');
  });
  const shared: Shared = {
    schema, deps, limits, ws, hub, timers, formatErrors,
    channelAvailable: () => redis === null || redis.available(),
    activate: () => feed.activate(),
    perUser: new Map(),
    connectionInitWaitTimeoutMs: options.connectionInitWaitTimeoutMs ?? 3_000,
    cutOff: { count: 0 },
  };
  const connections = new Set<Connection>();
  const perIp = new Map<string, number>();
  let sockets = 0;
  let accepting = true;

  function refuse(socket: Duplex, status: string, headers = ''): void {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n${headers}\r\n`);
    socket.destroy();
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) return refuse(socket, '404 Not Found');
    if (!accepting) return refuse(socket, '503 Service Unavailable');
    const ip = ipOf(req, deps.config.trustProxy);
    if (sockets >= ws.maxConnections) return refuse(socket, '503 Service Unavailable', 'Retry-After: 5\r\n');
    const held = perIp.get(ip) ?? 0;
    if (held >= ws.maxConnectionsPerIp) return refuse(socket, '429 Too Many Requests', 'Retry-After: 5\r\n');
    // Counted from the handshake until the TCP socket closes, whether the handshake completes or not.
    sockets++;
    perIp.set(ip, held + 1);
    socket.once('close', () => {
      sockets--;
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
    });
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket, ip));
  }

  function accept(socket: WebSocket, tcp: Duplex, ip: string): void {
    const conn = new Connection(socket, tcp, ip, shared);
    connections.add(conn);
    socket.on('message', (data: Buffer) => conn.onMessage(data));
    socket.on('pong', () => (conn.alive = true));
    socket.on('error', () => {}); // followed by 'close'
    socket.once('close', () => {
      connections.delete(conn);
      conn.onClose();
    });
    if (socket.protocol !== GRAPHQL_TRANSPORT_WS_PROTOCOL) conn.close(CloseCode.SubprotocolNotAcceptable, 'Subprotocol not acceptable');
  }

  let turn = 0;
  const keepAlive = setInterval(() => {
    const slice = turn++ % SLICES;
    for (const conn of connections) {
      if (conn.seq % SLICES !== slice || conn.socket.readyState !== WebSocket.OPEN) continue;
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }, Math.max(1, Math.floor((options.keepAliveMs ?? 12_000) / SLICES)));
  keepAlive.unref();

  httpServer.on('upgrade', onUpgrade);

  return {
    hub,
    start: () => feed.start(),
    pull: () => feed.pull(),
    activate: () => feed.activate(),
    stats() {
      let subscriptions = 0;
      let acked = 0;
      for (const conn of connections) {
        subscriptions += conn.subscriptions;
        if (conn.acked) acked++;
      }
      const { subscriptions: listeners, ...h } = hub.stats();
      return {
        ...h,
        sockets: connections.size,
        connections: acked,
        subscriptions,
        listeners,
        expiryTimers: timers.armed(),
        cutOff: shared.cutOff.count,
        feedReads: feed.reads(),
      };
    },
    async dispose() {
      accepting = false;
      httpServer.off('upgrade', onUpgrade);
      clearInterval(keepAlive);
      await feed.stop();
      const closed = [...connections].map(
        (conn) => new Promise<void>((resolve) => {
          if (conn.socket.readyState === WebSocket.CLOSED) return resolve();
          conn.socket.once('close', () => resolve());
          conn.close(1001, 'Going away');
        }),
      );
      // A client that never answers the close handshake would hold shutdown for ws's 30 s; cut it sooner.
      const cut = setTimeout(() => {
        for (const conn of connections) conn.socket.terminate();
      }, DISPOSE_GRACE_MS);
      try {
        await Promise.all(closed);
      } finally {
        clearTimeout(cut);
        wss.close();
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
function ipOf(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string' && forwarded.trim()) return forwarded.split(',')[0]!.trim();
  return req.socket.remoteAddress ?? '';
}

/** Apollo strips `extensions.http` (status and headers for HTTP) before a client sees an error; so do we. */
function withoutHttp(error: GraphQLFormattedError): GraphQLFormattedError {
  if (!error.extensions || !('http' in error.extensions)) return error;
  const { http: _, ...extensions } = error.extensions;
  return { ...error, extensions };
}
