/**
 * Counts of failed attempts per key (sign-ins per account and per client, sign-ups per client), with the waits
 * and locks they earn. The policy is the caller's (src/auth); this is only where the counts live: in-process here,
 * shared by every instance in `throttleRedis.ts`. test/stores.test.ts runs the contract on both.
 *
 * Each failure from the `slowAfter`th on makes the next attempt wait 1 s, 2 s, 4 s … (capped at a minute); at
 * `lockAfter` failures the key is locked for `lockMs`. Counts expire after `windowMs` of quiet.
 */
export interface ThrottlePolicy {
  /** @default 3 */
  slowAfter: number;
  /** @default 8 (account), 30 (client) */
  lockAfter: number;
  /** @default 300_000 (5 minutes) */
  lockMs: number;
  /** @default 900_000 (15 minutes) */
  windowMs: number;
}

export const MAX_WAIT_MS = 60_000;

export interface AttemptThrottle {
  /** Milliseconds the caller must still wait for `key`, or 0. */
  waitMs(key: string, policy: ThrottlePolicy, now: number): Promise<number>;
  recordFailure(key: string, policy: ThrottlePolicy, now: number): Promise<void>;
  clear(key: string): Promise<void>;
}

interface Attempts {
  failures: number;
  lastFailure: number;
  /** No attempt is heard before this time. */
  blockedUntil: number;
}

/** The wait a key earns with its `failures`th failure at `now`, or `previous` when it earns none. */
export function blockedUntil(failures: number, policy: ThrottlePolicy, now: number, previous: number): number {
  if (failures >= policy.lockAfter) return now + policy.lockMs;
  if (failures >= policy.slowAfter) return now + Math.min(1000 * 2 ** (failures - policy.slowAfter), MAX_WAIT_MS);
  return previous;
}

/** Past `maxKeys`, the least recently failed keys are forgotten. */
export function createMemoryThrottle(maxKeys = 100_000): AttemptThrottle {
  const attempts = new Map<string, Attempts>();
  const live = (key: string, policy: ThrottlePolicy, now: number) => {
    const a = attempts.get(key);
    if (a && now - a.lastFailure > policy.windowMs && now >= a.blockedUntil) {
      attempts.delete(key);
      return undefined;
    }
    return a;
  };
  return {
    async waitMs(key, policy, now) {
      const a = live(key, policy, now);
      return a ? Math.max(0, a.blockedUntil - now) : 0;
    },
    async recordFailure(key, policy, now) {
      const a = live(key, policy, now) ?? { failures: 0, lastFailure: now, blockedUntil: 0 };
      a.failures++;
      a.lastFailure = now;
      a.blockedUntil = blockedUntil(a.failures, policy, now, a.blockedUntil);
      attempts.delete(key); // re-insert: the Map's order is then least recently failed first
      attempts.set(key, a);
      if (attempts.size > maxKeys) attempts.delete(attempts.keys().next().value!);
    },
    async clear(key) {
      attempts.delete(key);
    },
  };
}
