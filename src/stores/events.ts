/**
 * Order events: how an instance learns that something committed. The database is the record of every change
 * (`order_events`, ids in commit order); this channel only carries "events up to id N committed" so each instance's
 * change feed (src/subscriptions/feed.ts) reads the new events at once instead of at its next poll. A notification
 * may be lost (a Redis outage, a crash between commit and notify): the feed also polls, so nothing depends on one
 * arriving.
 *
 * The in-process notifier is below; a Redis implementation (pub/sub) of the same interface carries notifications
 * between instances.
 */

export interface EventNotifier {
  /**
   * Called after a transaction that wrote order events committed: tells every instance (this one included) that
   * events up to `eventId` are readable. Resolves once sent; rejects when the channel is down (the poll covers it).
   */
  notify(eventId: number): Promise<void>;
  /**
   * Calls `onCommitted` for every notification from any instance, with the highest event id it names. Resolves once
   * listening, to the function that stops listening.
   */
  listen(onCommitted: (eventId: number) => void): Promise<() => Promise<void>>;
}

/** One process: a notification reaches this process's listeners, synchronously. */
export function createMemoryEventNotifier(): EventNotifier {
  const listeners = new Set<(eventId: number) => void>();
  return {
    async notify(eventId) {
      for (const listener of [...listeners]) listener(eventId);
    },
    async listen(onCommitted) {
      const listener = (eventId: number) => onCommitted(eventId);
      listeners.add(listener);
      return async () => void listeners.delete(listener);
    },
  };
}
