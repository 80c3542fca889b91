/**
 * Publish/subscribe for order changes. In-process now; a Redis implementation of the same interface will carry
 * changes between instances without touching resolvers or services.
 */
import type { OrderStatus } from '../db/schema.js';

/** What is published after a transaction that changed an order commits. */
export interface OrderChange {
  orderId: number;
  eventId: number;
  status: OrderStatus;
  buyerId: number;
  sellerIds: number[];
}

export type Listener = (change: OrderChange) => void;

export interface PubSub {
  /** Delivers to every listener of the topic, in publish order. */
  publish(topic: string, change: OrderChange): void;
  /** Returns the function that unsubscribes. */
  subscribe(topic: string, listener: Listener): () => void;
  /** Listeners currently registered (leak checks, metrics). */
  listenerCount(): number;
}

/** The topics an order change is published to: the order itself, its buyer, and each of its sellers. */
export const topics = {
  order: (orderId: number) => `order:${orderId}`,
  buyer: (userId: number) => `buyer:${userId}`,
  seller: (sellerId: number) => `seller:${sellerId}`,
};

export function publishOrderChange(pubsub: PubSub, change: OrderChange): void {
  pubsub.publish(topics.order(change.orderId), change);
  pubsub.publish(topics.buyer(change.buyerId), change);
  for (const sellerId of change.sellerIds) pubsub.publish(topics.seller(sellerId), change);
}

export function createMemoryPubSub(): PubSub {
  const listeners = new Map<string, Set<Listener>>();
  let count = 0;
  return {
    publish(topic, change) {
      // A copy, so a listener that unsubscribes while being called does not disturb the loop.
      for (const listener of [...(listeners.get(topic) ?? [])]) listener(change);
    },
    subscribe(topic, listener) {
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      set.add(listener);
      count++;
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        count--;
        set.delete(listener);
        if (set.size === 0) listeners.delete(topic);
      };
    },
    listenerCount: () => count,
  };
}
