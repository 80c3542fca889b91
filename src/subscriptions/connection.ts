/**
 * One WebSocket connection speaking `graphql-transport-ws` (graphql-ws's protocol: its message parser, its close
 * codes). The protocol core is ours rather than graphql-ws's server so that a change is executed and serialized
 * once for every subscriber (src/subscriptions/hub.ts) and each socket only gets the shared bytes behind its own
 * message head, and so that a connection holds as little as possible: no upgrade request, no timers of its own
 * once acknowledged (keep-alive is one sweep for all sockets), no closures per message.
 *
 * Bounds (config.websocket): the `connection_init` message size, a cost per connection from the caller's bucket,
 * subscriptions per connection and per user, the subscription id length, and the bytes queued for the socket.
 */
import { createSourceEventStream, getOperationAST, GraphQLError, type ExecutionResult } from 'graphql';
import { CloseCode, MessageType, parseMessage, type SubscribePayload } from 'graphql-ws';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { createContext, type AppDeps } from '../context.js';
import { ErrorCode, RateLimitedError, ServiceUnavailableError } from '../errors.js';
import type { WebSocketLimits } from '../config/index.js';
import type { QueryLimits } from '../plugins/queryCost/index.js';
import { OrderFeedSource } from '../services/orderUpdates.js';
import { admitOperation } from './guard.js';
import { textFrame } from './frame.js';
import type { Hub, Member, Outlet } from './hub.js';
import { openSession, type createExpiryTimers, type Session } from './session.js';
import type { GraphQLSchema } from 'graphql';

/** What every connection of one server shares. */
export interface Shared {
  schema: GraphQLSchema;
  deps: AppDeps;
  limits: QueryLimits;
  ws: WebSocketLimits;
  hub: Hub;
  timers: ReturnType<typeof createExpiryTimers>;
  /** Subscriptions open per user (`user:<id>`) or anonymous IP (`ip:<ip>`), over every connection. */
  perUser: Map<string, number>;
  formatErrors(errors: readonly GraphQLError[]): unknown[];
  /** False while the instances' notification channel (Redis) is lost: new subscriptions are refused. */
  channelAvailable(): boolean;
  /** Makes the change feed read before the first subscriber is registered. */
  activate(): Promise<void>;
  connectionInitWaitTimeoutMs: number;
  /** Connections cut off for not reading (back-pressure). */
  cutOff: { count: number };
}

/** A start in progress: a `complete` or a close while it runs replaces or removes it, and the start gives up. */
class Pending {}

const TEXT = { binary: false, compress: false } as const;
/** After closing a socket that does not read (its close frame waits behind the data), cut it this much later. */
const CUT_GRACE_MS = 1_000;
const ACK = '{"type":"connection_ack"}';

let seq = 0;

export class Connection implements Outlet {
  /** Answered the last keep-alive ping. */
  alive = true;
  acked = false;
  session: Session | null = null;
  readonly seq = ++seq;
  private initReceived = false;
  private initTimer: NodeJS.Timeout | undefined;
  private subs: Map<string, Member | Pending> | null = null;

  constructor(
    readonly socket: WebSocket,
    /** The TCP socket under `socket`: `next` messages are written to it as whole frames (frame.ts). */
    private readonly tcp: Duplex,
    readonly ip: string,
    private readonly shared: Shared,
  ) {
    this.initTimer = setTimeout(() => {
      if (!this.initReceived) this.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
    }, shared.connectionInitWaitTimeoutMs);
  }

  get subscriptions(): number {
    return this.subs?.size ?? 0;
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code, Buffer.from(reason).subarray(0, 120).toString());
  }

  /**
   * Outlet: one `next` message, unless the token expired or the socket stopped reading: one buffer (the frame
   * header, this subscription's message head, the group's shared bytes) and one write.
   */
  send(head: Buffer, tail: Buffer): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.session && this.shared.timers.expired(this.session)) return this.forbid();
    if (this.tcp.writableLength > this.shared.ws.maxBufferedBytes) return this.cut();
    this.tcp.write(textFrame(head, tail));
  }

  forbid(): void {
    this.close(CloseCode.Forbidden, 'Forbidden: the access token has expired');
  }

  /** A socket that does not read what it is sent: 1013 (resume with afterEventId), and cut if it does not answer. */
  private cut(): void {
    this.shared.cutOff.count++;
    this.close(1013, 'Try again later: the socket did not read its messages; resume with afterEventId');
    setTimeout(() => this.socket.terminate(), CUT_GRACE_MS).unref();
  }

  private write(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message), TEXT);
  }

  onMessage(data: Buffer): void {
    if (!this.initReceived && data.length > this.shared.ws.maxInitPayloadBytes) {
      return this.close(CloseCode.BadRequest, `connection_init over ${this.shared.ws.maxInitPayloadBytes} bytes`);
    }
    let message;
    try {
      message = parseMessage(data.toString());
    } catch (err) {
      return this.close(CloseCode.BadRequest, err instanceof Error ? err.message : 'Invalid message received');
    }
    switch (message.type) {
      case MessageType.ConnectionInit:
        if (this.initReceived) return this.close(CloseCode.TooManyInitialisationRequests, 'Too many initialisation requests');
        this.initReceived = true;
        clearTimeout(this.initTimer);
        this.initTimer = undefined;
        return void this.init(message.payload).catch(() => this.close(CloseCode.InternalServerError, 'Internal server error'));
      case MessageType.Ping:
        return this.write(message.payload ? { type: MessageType.Pong, payload: message.payload } : { type: MessageType.Pong });
      case MessageType.Pong:
        return;
      case MessageType.Subscribe:
        if (!this.acked) return this.close(CloseCode.Unauthorized, 'Unauthorized');
        return void this.subscribe(message.id, message.payload).catch(() => this.close(CloseCode.InternalServerError, 'Internal server error'));
      case MessageType.Complete:
        return this.drop(message.id);
      default:
        return this.close(CloseCode.BadRequest, `Unexpected message of type ${message.type} received`);
    }
  }

  /** The token (none is anonymous, a bad one 4403), then the connection's cost from the caller's bucket. */
  private async init(payload: Record<string, unknown> | null | undefined): Promise<void> {
    const { deps, timers, ws } = this.shared;
    const session = await openSession(deps.auth.tokens, payload?.authorization, this.seq);
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (!session) return this.close(CloseCode.Forbidden, 'Forbidden');
    if (ws.connectionCost > 0) {
      try {
        await deps.rateLimiter.spend({ viewer: session.viewer, request: { ip: this.ip } }, ws.connectionCost);
      } catch (err) {
        if (!(err instanceof RateLimitedError)) throw err;
        const seconds = Math.ceil(Number(err.extensions.retryAfterMs ?? 1000) / 1000);
        return this.close(1013, `Rate limited: retry in ${seconds} s`);
      }
    }
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.session = session;
    this.acked = true;
    timers.arm(session, () => this.forbid());
    this.socket.send(ACK, TEXT);
  }

  private async subscribe(id: string, payload: SubscribePayload): Promise<void> {
    const { ws, perUser, hub, deps, schema, limits, timers, formatErrors } = this.shared;
    if (id.length > ws.maxSubscriptionIdLength) {
      return this.close(CloseCode.BadRequest, `Subscription id longer than ${ws.maxSubscriptionIdLength} characters`);
    }
    const subs = (this.subs ??= new Map());
    if (subs.has(id)) return this.close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
    const session = this.session!;
    if (subs.size >= ws.maxSubscriptionsPerConnection) {
      return this.error(id, tooMany('subscriptionsPerConnection', ws.maxSubscriptionsPerConnection, 'on one connection'));
    }
    if (!this.shared.channelAvailable()) {
      return this.error(id, [new ServiceUnavailableError('Subscriptions are unavailable for a moment; retry with afterEventId.')]);
    }
    const owner = session.viewer ? `user:${session.viewer.id}` : `ip:${this.ip}`;
    const held = perUser.get(owner) ?? 0;
    if (held >= ws.maxSubscriptionsPerUser) {
      return this.error(id, tooMany('subscriptionsPerUser', ws.maxSubscriptionsPerUser, 'per user'));
    }
    perUser.set(owner, held + 1);
    const pending = new Pending();
    subs.set(id, pending);
    const wanted = () => this.subs?.get(id) === pending;

    if (timers.expired(session)) return this.forbid();
    const request = { ip: this.ip, requestId: `ws-${this.seq}-${id}` };
    const args = await admitOperation({ schema, limits, rateLimiter: deps.rateLimiter }, payload, { viewer: session.viewer, request });
    if (!wanted()) return;
    if (Array.isArray(args)) {
      this.drop(id);
      return this.error(id, args);
    }
    const admittedArgs = args as Exclude<typeof args, readonly GraphQLError[]>;
    const contextValue = createContext(deps, session.viewer, request);
    const source = await createSourceEventStream({ ...admittedArgs, contextValue });
    if (!wanted()) return;
    if (!(source instanceof OrderFeedSource)) {
      // A failed start (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND): a result with errors, then complete.
      const result = source as ExecutionResult;
      this.drop(id);
      this.write({ id, type: MessageType.Next, payload: result.errors ? { ...result, errors: formatErrors(result.errors) } : result });
      return this.write({ id, type: MessageType.Complete });
    }
    await this.shared.activate();
    if (!wanted()) return;
    const head = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
    const operation = getOperationAST(admittedArgs.document, admittedArgs.operationName)!;
    const admitted = { ...admittedArgs, query: payload.query, operation, operationName: admittedArgs.operationName ?? undefined,
      variableValues: admittedArgs.variableValues ?? undefined };
    const { member, ready } = hub.add(admitted, source, head, this);
    subs.set(id, member);
    try {
      await ready;
    } catch (err) {
      if (this.subs?.get(id) !== member) return;
      this.drop(id);
      const error = err instanceof GraphQLError ? err : new GraphQLError('Internal server error', { originalError: err as Error });
      this.error(id, [error]);
    }
  }

  private error(id: string, errors: readonly GraphQLError[]): void {
    this.write({ id, type: MessageType.Error, payload: this.shared.formatErrors(errors) });
  }

  /** Ends a subscription (the client's `complete`, a failed start, or the socket closing) and frees its slot. */
  private drop(id: string): void {
    const entry = this.subs?.get(id);
    if (entry === undefined) return;
    this.subs!.delete(id);
    const owner = this.session?.viewer ? `user:${this.session.viewer.id}` : `ip:${this.ip}`;
    const held = (this.shared.perUser.get(owner) ?? 1) - 1;
    if (held > 0) this.shared.perUser.set(owner, held);
    else this.shared.perUser.delete(owner);
    if (!(entry instanceof Pending)) this.shared.hub.remove(entry);
  }

  /** The socket closed (any way): frees every subscription, the timers and the slots. */
  onClose(): void {
    clearTimeout(this.initTimer);
    this.shared.timers.disarm(this.session ?? undefined);
    for (const id of [...(this.subs?.keys() ?? [])]) this.drop(id);
    this.subs = null;
  }
}

function tooMany(limit: string, max: number, where: string): GraphQLError[] {
  return [
    new GraphQLError(`Too many subscriptions ${where}: at most ${max} may be open at once; complete one first.`, {
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit, max },
    }),
  ];
}
