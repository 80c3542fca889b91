/**
 * The one Redis connection an instance's stores share, and what they know about its health.
 *
 * The client is ioredis: Lua scripts through `defineCommand` (EVALSHA, falling back to EVAL once after a restart
 * flushed the script cache), cluster and sentinel support if one Redis is ever not enough, control over its offline
 * queue, and reconnection by itself. The offline queue is off and commands time out: while Redis is unreachable a
 * command fails at once instead of piling up, and the stores fall back (see `failover.ts`).
 *
 * `available()` is false while disconnected, and after a reconnect until the recovery hooks have run (the response
 * cache bumps its epoch there, so nothing cached before or during the outage is served after it).
 */
import { Redis } from 'ioredis';

export interface RedisLink {
  readonly client: Redis;
  /** Every key this instance writes starts with it (tests give each server its own). */
  readonly prefix: string;
  /** Connected, and recovered from any earlier loss. */
  available(): boolean;
  /** Called with the new state whenever `available()` changes. Returns the function that stops listening. */
  onChange(listener: (available: boolean) => void): () => void;
  /**
   * Registers work to finish before the link counts as available again after a loss (or after `markLost`). A hook
   * that throws keeps it unavailable; the next reconnect tries again.
   */
  onRecover(hook: () => Promise<void>): void;
  /** A command failed in a way that may have lost a write: treat the link as lost until the hooks run again. */
  markLost(): void;
  /** Resolves once connected and recovered (tests, startup); rejects after `timeoutMs`. */
  whenAvailable(timeoutMs?: number): Promise<void>;
  /** A second connection for subscribing (pub/sub takes a connection over). */
  duplicate(): Redis;
  close(): Promise<void>;
}

export interface RedisLinkOptions {
  /** @default 'bazaar:' */
  prefix?: string;
  /** A command unanswered for this long fails (a hung server is an outage too). @default 1000 */
  commandTimeoutMs?: number;
  /** Logs losses and recoveries. @default nothing */
  log?: (message: string) => void;
}

export function createRedisLink(url: string, options: RedisLinkOptions = {}): RedisLink {
  const log = options.log ?? (() => {});
  const settings = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    // Reconnect soon, and at least every second: recovery "by itself within seconds".
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
    lazyConnect: true,
  };
  const client = new Redis(url, settings);
  const listeners = new Set<(available: boolean) => void>();
  const hooks: (() => Promise<void>)[] = [];
  let up = false;
  let everReady = false;
  /** The hooks must run before the link is available again (a reconnect, or a write that may have been lost). */
  let needsHooks = false;
  let running = false;
  let again = false;
  let closed = false;

  const set = (next: boolean) => {
    if (next === up) return;
    up = next;
    log(next ? 'redis available' : 'redis unavailable');
    for (const listener of [...listeners]) listener(next);
  };

  /** Runs the hooks when needed, then reports available; a loss while they run makes them run again. */
  const recover = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if (closed || client.status !== 'ready') return;
        const run = needsHooks;
        needsHooks = false;
        try {
          if (run) for (const hook of hooks) await hook();
        } catch (err) {
          needsHooks = true;
          log(`redis recovery failed, retrying: ${(err as Error).message}`);
          setTimeout(() => void recover(), 200).unref();
          return;
        }
        if (!again) {
          everReady = true;
          set(true);
        }
      } while (again);
    } finally {
      running = false;
    }
  };

  const onReady = () => {
    if (everReady) needsHooks = true;
    void recover();
  };
  client.on('ready', onReady);
  client.on('close', () => set(false));
  client.on('end', () => set(false));
  // Errors are the reconnect loop's business; without a listener ioredis would print each one.
  client.on('error', () => {});
  client.connect().catch(() => {});

  return {
    client,
    prefix: options.prefix ?? 'bazaar:',
    available: () => up,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onRecover: (hook) => void hooks.push(hook),
    markLost() {
      needsHooks = true;
      set(false);
      void recover();
    },
    whenAvailable(timeoutMs = 10_000) {
      if (up) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`Redis at ${redact(url)} not available within ${timeoutMs} ms`));
        }, timeoutMs);
        const stop = this.onChange((available) => {
          if (!available) return;
          clearTimeout(timer);
          stop();
          resolve();
        });
      });
    },
    duplicate: () => new Redis(url, { ...settings, lazyConnect: false }),
    async close() {
      closed = true;
      listeners.clear();
      client.disconnect();
      set(false);
    },
  };
}

/**
 * Typed access to a script registered with ioredis' `defineCommand` (EVALSHA, EVAL once if Redis lost it).
 * `bytes`: its string replies arrive as Buffers (ioredis' `<name>Buffer` variant of the command), undecoded.
 */
export function defineScript<R>(
  client: Redis,
  name: string,
  lua: string,
  { bytes = false } = {},
): (keys: string[], args: (string | number | Buffer)[]) => Promise<R> {
  client.defineCommand(name, { lua });
  const call = (client as unknown as Record<string, (...args: (string | number | Buffer)[]) => Promise<R>>)[bytes ? `${name}Buffer` : name]!;
  return (keys, args) => call.call(client, keys.length, ...keys, ...args);
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
