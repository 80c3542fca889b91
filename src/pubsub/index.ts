/**
 * Publishing order changes. Services call `publishOrderChange` once a transaction that wrote an order event has
 * committed; it tells the instances (src/stores/events.ts) that events up to that id are readable. Subscribers are
 * served from the database by each instance's change feed (src/subscriptions/feed.ts), never from this message:
 * it only wakes the feed, which also polls, so a lost notification delays a delivery but never drops it.
 */
import type { OrderStatus } from '../db/schema.js';
import { createMemoryEventNotifier, type EventNotifier } from '../stores/events.js';

/** What a service knows about a change when it commits (only `eventId` travels). */
export interface OrderChange {
  orderId: number;
  eventId: number;
  status: OrderStatus;
  buyerId: number;
  sellerIds: number[];
}

/** The channel `ctx.pubsub` names: in-process by default, Redis pub/sub when instances share one. */
export type PubSub = EventNotifier;

export function publishOrderChange(pubsub: PubSub, change: OrderChange): void {
  // Not awaited: the change is committed and the mutation answers now; a notification that fails is covered by
  // the feed's poll.
  pubsub.notify(change.eventId).catch(() => {});
}

export const createMemoryPubSub = createMemoryEventNotifier;
