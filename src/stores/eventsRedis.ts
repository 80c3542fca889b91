/**
 * Order-event notifications between instances over Redis pub/sub. The database stays the record: a message only
 * says "events up to id N committed", and each instance's change feed reads them from the database (and polls, so a
 * message lost to an outage or a crash between commit and publish delays nothing for long). Publishing uses the
 * shared connection; listening takes a connection of its own (a subscribed connection can do nothing else), which
 * joins the channel again each time it connects.
 *
 * The instance that made the change does not wait for its own message to come back through Redis: `notify` tells
 * this process's listeners at once (as the in-process notifier does), then publishes for the others. Its echo
 * arrives later and names nothing new (the feed reads only past its cursor), so each instance still reads once.
 */
import type { EventNotifier } from './events.js';
import type { RedisLink } from './redis.js';

export function createRedisEventNotifier(link: RedisLink): EventNotifier {
  const channel = `${link.prefix}events`;
  const local = new Set<(eventId: number) => void>();
  return {
    async notify(eventId) {
      for (const listener of [...local]) listener(eventId);
      await link.client.publish(channel, String(eventId));
    },
    async listen(onCommitted) {
      const listener = (eventId: number) => onCommitted(eventId);
      local.add(listener);
      const subscriber = link.duplicate();
      subscriber.on('error', () => {}); // reconnecting is ioredis' business; the feed's poll covers the gap
      subscriber.on('message', (from: string, message: string) => {
        const eventId = Number(message);
        if (from === channel && Number.isSafeInteger(eventId)) onCommitted(eventId);
      });
      // (Re)joined on every connect: with the offline queue off a SUBSCRIBE sent while Redis is down fails, and an
      // instance that starts during an outage must still listen once Redis is back.
      const join = () => void subscriber.subscribe(channel).catch(() => {});
      subscriber.on('ready', join);
      return async () => {
        local.delete(listener);
        subscriber.disconnect();
      };
    },
  };
}
