/**
 * The change feed: one per instance, whatever the number of subscribers. It keeps the id of the last order event it
 * handed on, and reads the committed events after it (one statement for every subscriber) when a notification says
 * something committed (src/stores/events.ts), and on a slow poll besides, so a notification that never arrives (a
 * channel outage, a crash between commit and notify, another instance) only delays a delivery.
 *
 * Reads never overlap and their events are handed on in id order, each batch only after the previous one was
 * handled: the order subscribers see is the commit order (event ids are assigned in commit order).
 *
 * With no subscriber the feed is idle and reads nothing (no statement a second on a server nobody watches). The
 * first subscriber activates it: it moves its cursor to the latest committed event, then the subscriber is
 * registered, so a subscriber never receives a change committed before it started to subscribe.
 */
import type { CommittedEvent } from '../data/orders.js';
import type { EventNotifier } from '../stores/events.js';

export interface FeedOptions {
  /** Committed events after an id, oldest first, at most `limit`. */
  read(afterEventId: number, limit: number): Promise<CommittedEvent[]>;
  /** The latest event id now: the feed starts after it (subscribers get changes from when they subscribe). */
  latest(): Promise<number>;
  notifier: EventNotifier;
  /** Handles one batch of events, in order; the next read waits for it. */
  deliver(events: CommittedEvent[]): Promise<void>;
  /** Called when a read or a delivery fails; the feed retries at the next notification or poll. */
  onError(err: unknown): void;
  /**
   * How often the feed reads even without a notification: the longest a change waits when its notification is lost.
   * @default 1_000 // 1 second
   */
  pollMs?: number;
  /** Events read at once. @default 500 */
  batch?: number;
}

export interface ChangeFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The id of the last event handed on. */
  cursor(): number;
  /** Reads now (coalesced with a read in progress). Resolves when the feed has caught up. */
  pull(): Promise<void>;
  /** Resolves once the feed is reading (at once when it already is); called before a subscriber is registered. */
  activate(): Promise<void>;
  /** No subscriber left: stop reading until the next `activate()`. */
  idle(): void;
  /** Statements the feed has issued (reads), for the tests and /metrics. */
  reads(): number;
}

export function createChangeFeed(options: FeedOptions): ChangeFeed {
  const batch = options.batch ?? 500;
  let cursor = 0;
  let reads = 0;
  let running: Promise<void> | null = null;
  let again = false;
  /** The highest event id a notification named: a read that ends below it reads again. */
  let notified = 0;
  let stopped = false;
  let active = false;
  let activating: Promise<void> | null = null;
  let poll: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  async function drain(): Promise<void> {
    do {
      again = false;
      reads++;
      const events = await options.read(cursor, batch);
      if (events.length === 0) continue;
      await options.deliver(events);
      cursor = events.at(-1)!.id;
      if (events.length === batch) again = true;
      if (notified > cursor) again = true;
    } while (again && !stopped);
  }

  /** `force`: read again after a read in progress (a poll, a caller); a notification only needs `notified`. */
  function pull(force = true): Promise<void> {
    if (stopped || !active) return Promise.resolve();
    if (running) {
      if (force) again = true;
      return running;
    }
    running = drain()
      .catch((err) => options.onError(err))
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    async start() {
      unlisten = await options.notifier.listen((eventId) => {
        if (eventId > notified) notified = eventId;
        if (eventId > cursor) void pull(false);
      });
      poll = setInterval(() => void pull(), options.pollMs ?? 1_000);
      poll.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(poll);
      await unlisten?.();
      await running;
    },
    cursor: () => cursor,
    pull: () => pull(),
    activate() {
      if (active || stopped) return Promise.resolve();
      activating ??= (async () => {
        await running; // a read still handing on events from before
        cursor = Math.max(cursor, await options.latest());
        reads++;
        active = true;
      })().finally(() => {
        activating = null;
      });
      return activating;
    },
    idle() {
      active = false;
    },
    reads: () => reads,
  };
}
