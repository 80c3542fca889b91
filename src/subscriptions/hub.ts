/**
 * The subscription hub: every live order subscription of this instance, served from the one change feed.
 *
 * Subscribers are kept in *groups* (the same operation text, the variables the payload's selection reads, and the
 * same viewer: they share one execution) and, within a group, in *scopes* (the same route and seller too: they
 * share every authorization decision, since `mayReceive` reads only the route, the viewer and the viewer's
 * seller). For each committed change the hub finds the scopes whose route names it (the order, its buyer, its
 * sellers), checks `mayReceive` once per scope (which is authorization per subscriber and per change: every
 * subscriber of a scope would get the same answer), reads the order as of the change once (memoized by event:
 * those rows never change), executes each group's selection once, serializes it once, and hands the same bytes to
 * every subscriber of the admitted scopes; only the graphql-ws subscription id differs, and it sits in each
 * subscriber's precomputed message head. The work per change is one check per scope, one execution per group and
 * a constant number of statements; per subscriber only the send is left.
 *
 * A subscriber that resumes (`afterEventId`) is registered first, then reads its replay; live changes that reach
 * it meanwhile wait in its queue, and after the replay a change at or below the replayed event of its order is a
 * duplicate and skipped: no gap at the seam, no duplicate.
 */
import { execute, Kind, visit, type DocumentNode, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { createLoaders } from '../../loaders/index.js';
import { createContext, type AppDeps, type Viewer } from '../context.js';
import type { CommittedEvent } from '../data/orders.js';
import { mayReceive, orderAsOf, type OrderAsOf, type OrderFeedSource } from '../services/orderUpdates.js';

/** Where a subscriber's messages go: its WebSocket connection. */
export interface Outlet {
  /** Sends one `next` message: `head` (the subscriber's own `{"id":…,"type":"next","payload":`) then `tail`. */
  send(head: Buffer, tail: Buffer): void;
}

/** Subscribers that share one execution per change. */
interface Group {
  readonly seq: number;
  readonly key: string;
  readonly document: DocumentNode;
  readonly operationName: string | undefined;
  readonly variableValues: Record<string, unknown> | undefined;
  readonly viewer: Viewer;
  /** Its scopes by route and seller. */
  readonly scopes: Map<string, Scope>;
}

/** Subscribers of one group that also share the route and the seller: every authorization decision is theirs alike. */
interface Scope {
  readonly key: string;
  readonly group: Group;
  /** The first member's source: route, viewer and seller, the same for every member. */
  readonly source: OrderFeedSource;
  readonly members: Set<Member>;
  /** The last change considered, so a scope reached through two routes (buyer and seller) gets it once. */
  lastSeen: number;
}

export interface Member {
  readonly head: Buffer;
  readonly outlet: Outlet;
  readonly source: OrderFeedSource;
  readonly scope: Scope;
  /** When it was added (the hub's count of additions): a change considered before takes no member added after. */
  readonly joined: number;
  active: boolean;
  /** Live changes that arrived while the replay was being sent; null when not replaying. */
  queue: CommittedEvent[] | null;
  /** After a replay: the event replayed per order (a change at or below it is a duplicate) until the feed passes them. */
  replayed: Map<number, number> | null;
  replayedMax: number;
}

export interface Admitted {
  query: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | undefined;
  variableValues: Record<string, unknown> | undefined;
}

export interface HubOptions {
  schema: GraphQLSchema;
  deps: AppDeps;
  /** Masks and shapes errors as Apollo does for HTTP. */
  formatErrors(errors: readonly GraphQLError[]): unknown[];
  /** Executions and orders-as-of kept for reuse (replays, a burst of changes). @default 2_000 */
  memoEntries?: number;
  /** Called when the last subscriber leaves (the feed goes idle). */
  onEmpty?: () => void;
}

export interface HubStats {
  subscriptions: number;
  groups: number;
  /** Selections executed so far (one per group and change). */
  executions: number;
  /** `next` messages handed to connections so far. */
  deliveries: number;
  /** Authorization checks (`mayReceive`) so far: one per scope and change, whatever the number of its members. */
  checks: number;
  /** Changes that reached at least one subscriber so far. */
  fanouts: number;
  /** Their total time, from the change feed handing a change on to the write to its last socket, seconds. */
  fanoutSeconds: number;
  /** The longest of them, seconds. */
  fanoutMaxSeconds: number;
}

export function createHub({ schema, deps, formatErrors, memoEntries = 2_000, onEmpty }: HubOptions) {
  const groups = new Map<string, Group>();
  const byOrder = new Map<number, Set<Scope>>();
  const byBuyer = new Map<number, Set<Scope>>();
  const bySeller = new Map<number, Set<Scope>>();
  const asOf = new LRUCache<number, Promise<OrderAsOf | null>>({ max: memoEntries });
  const payloads = new LRUCache<string, Promise<Buffer | null>>({ max: memoEntries });
  let seq = 0;
  let joined = 0;
  let members = 0;
  let executions = 0;
  let deliveries = 0;
  let checks = 0;
  let fanouts = 0;
  let fanoutMs = 0;
  let fanoutMaxMs = 0;

  const routes = (source: OrderFeedSource): [Map<number, Set<Scope>>, number][] => {
    const { route } = source;
    if ('orderId' in route) return [[byOrder, route.orderId]];
    return route.sellerId === null ? [[byBuyer, route.buyerId]] : [[byBuyer, route.buyerId], [bySeller, route.sellerId]];
  };

  function orderAt(orderId: number, eventId: number): Promise<OrderAsOf | null> {
    let read = asOf.get(eventId);
    if (!read) {
      read = orderAsOf(createLoaders(deps.database, { batch: deps.config.optimizations }), { orderId, eventId });
      read.catch(() => asOf.delete(eventId));
      asOf.set(eventId, read);
    }
    return read;
  }

  /** The group's message tail for the order as of `eventId`: executed and serialized once, then reused. */
  function payload(group: Group, orderId: number, eventId: number): Promise<Buffer | null> {
    const key = `${group.seq}:${eventId}`;
    let made = payloads.get(key);
    if (!made) {
      made = (async () => {
        const at = await orderAt(orderId, eventId);
        if (!at) return null;
        const ctx = createContext(deps, group.viewer, { ip: '', requestId: `feed-${eventId}` });
        ctx.loaders.order.prime(orderId, at.order);
        ctx.loaders.orderEvents.prime(orderId, at.events);
        executions++;
        const result = await execute({
          schema,
          document: group.document,
          operationName: group.operationName,
          variableValues: group.variableValues,
          rootValue: at.order,
          contextValue: ctx,
        });
        const shaped = result.errors ? { ...result, errors: formatErrors(result.errors) } : result;
        return Buffer.from(`${JSON.stringify(shaped)}}`);
      })();
      made.catch(() => payloads.delete(key));
      payloads.set(key, made);
    }
    return made;
  }

  function duplicate(m: Member, change: CommittedEvent): boolean {
    if (!m.replayed) return false;
    if (change.id > m.replayedMax) {
      m.replayed = null;
      return false;
    }
    return change.id <= (m.replayed.get(change.orderId) ?? 0);
  }

  function send(m: Member, tail: Buffer | null): void {
    if (!tail || !m.active) return;
    deliveries++;
    m.outlet.send(m.head, tail);
  }

  /** Sends the replay, then what queued meanwhile; afterwards the member takes live changes directly. */
  async function replay(m: Member): Promise<void> {
    try {
      const positions = await m.source.replay!();
      m.replayed = new Map();
      for (const p of positions) {
        if (!m.active) return;
        send(m, await payload(m.scope.group, p.orderId, p.eventId));
        m.replayed.set(p.orderId, p.eventId);
        m.replayedMax = Math.max(m.replayedMax, p.eventId);
      }
      while (m.queue!.length > 0 && m.active) {
        const change = m.queue!.shift()!;
        if (!duplicate(m, change)) send(m, await payload(m.scope.group, change.orderId, change.id));
      }
    } finally {
      m.queue = null;
    }
  }

  return {
    /**
     * Registers a started subscription; resolves once its replay (if any) has been sent. Registering comes before
     * reading the replay, which is what closes the gap at the seam.
     */
    add(admitted: Admitted, source: OrderFeedSource, head: Buffer, outlet: Outlet): { member: Member; ready: Promise<void> } {
      const key = groupKey(admitted, source.viewer);
      let group = groups.get(key);
      if (!group) {
        const { document, operationName, variableValues } = admitted;
        group = { seq: ++seq, key, document, operationName, variableValues, viewer: source.viewer, scopes: new Map() };
        groups.set(key, group);
      }
      const scopeKey = `${JSON.stringify(source.route)}:${source.sellerId}`;
      let scope = group.scopes.get(scopeKey);
      if (!scope) {
        scope = { key: scopeKey, group, source, members: new Set(), lastSeen: 0 };
        group.scopes.set(scopeKey, scope);
        for (const [index, id] of routes(source)) {
          let set = index.get(id);
          if (!set) index.set(id, (set = new Set()));
          set.add(scope);
        }
      }
      members++;
      const member: Member = {
        head, outlet, source, scope, joined: ++joined, active: true,
        queue: source.replay ? [] : null, replayed: null, replayedMax: 0,
      };
      scope.members.add(member);
      return { member, ready: source.replay ? replay(member) : Promise.resolve() };
    },

    remove(member: Member): void {
      if (!member.active) return;
      member.active = false;
      member.queue = null;
      members--;
      const { scope } = member;
      scope.members.delete(member);
      if (scope.members.size === 0) {
        for (const [index, id] of routes(scope.source)) {
          const set = index.get(id)!;
          set.delete(scope);
          if (set.size === 0) index.delete(id);
        }
        scope.group.scopes.delete(scope.key);
        if (scope.group.scopes.size === 0) groups.delete(scope.group.key);
      }
      if (members === 0) onEmpty?.();
    },

    /** The change feed's batch, in commit order: each change reaches its subscribers before the next is read. */
    async deliver(changes: CommittedEvent[]): Promise<void> {
      const started = performance.now();
      for (const change of changes) {
        // Who may receive it, decided once per scope; members added while its payload is made do not take it.
        const admitted: Scope[] = [];
        const upTo = joined;
        const consider = (set: Set<Scope> | undefined) => {
          if (!set) return;
          for (const scope of set) {
            if (scope.lastSeen === change.id) continue;
            scope.lastSeen = change.id;
            checks++;
            if (mayReceive(scope.source, change)) admitted.push(scope);
          }
        };
        consider(byOrder.get(change.orderId));
        consider(byBuyer.get(change.buyerId));
        for (const sellerId of change.sellerIds) consider(bySeller.get(sellerId));
        if (admitted.length === 0) continue;
        const tails = await Promise.all(admitted.map((scope) => payload(scope.group, change.orderId, change.id)));
        admitted.forEach((scope, i) => {
          const tail = tails[i]!;
          for (const m of scope.members) {
            if (m.joined > upTo) continue;
            if (m.queue) m.queue.push(change);
            else if (!duplicate(m, change)) send(m, tail);
          }
        });
        const took = performance.now() - started;
        fanouts++;
        fanoutMs += took;
        if (took > fanoutMaxMs) fanoutMaxMs = took;
      }
    },

    stats(): HubStats {
      return {
        subscriptions: members, groups: groups.size, executions, deliveries, checks,
        fanouts, fanoutSeconds: fanoutMs / 1000, fanoutMaxSeconds: fanoutMaxMs / 1000,
      };
    },
  };
}

export type Hub = ReturnType<typeof createHub>;

/**
 * Subscribers share an execution when they send the same operation text, with the same values for the variables
 * the payload's selection reads, as the same viewer. The root field's own arguments (`orderId`, `afterEventId`)
 * only choose which changes reach a subscriber, so variables used nowhere else do not split groups: clients that
 * resume from different events still share.
 */
function groupKey({ query, document, operation, operationName, variableValues }: Admitted, viewer: Viewer): string {
  const used = new Set<string>();
  const collect = (node: Parameters<typeof visit>[0]) =>
    visit(node, { Variable: (v) => void used.add(v.name.value) });
  const root = operation.selectionSet.selections.length === 1 ? operation.selectionSet.selections[0] : undefined;
  if (root?.kind === Kind.FIELD) {
    if (root.selectionSet) collect(root.selectionSet);
    for (const directive of root.directives ?? []) collect(directive);
    for (const directive of operation.directives ?? []) collect(directive);
    for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) collect(def);
  } else {
    collect(operation);
  }
  const values = [...used].sort().map((name) => [name, variableValues?.[name] ?? null]);
  return `${viewer.id}:${viewer.role}\u0000${operationName ?? ''}\u0000${JSON.stringify(values)}\u0000${query}`;
}
