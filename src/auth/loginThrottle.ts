/**
 * Slows down, then briefly locks, repeated failed sign-ins for one account and for one client. Keyed by the
 * email as typed (known or not), so the answers never reveal whether an account exists.
 *
 * Each failure from the third on makes the next attempt wait 1 s, 2 s, 4 s … (capped); at `lockAfter` failures
 * the key is locked for `lockMs`. A success clears the account's count. Counts expire after `windowMs` of quiet.
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

export const ACCOUNT_POLICY: ThrottlePolicy = { slowAfter: 3, lockAfter: 8, lockMs: 5 * 60_000, windowMs: 15 * 60_000 };
export const CLIENT_POLICY: ThrottlePolicy = { slowAfter: 10, lockAfter: 30, lockMs: 5 * 60_000, windowMs: 15 * 60_000 };
/**
 * Sign-ups per client (IP), counted in the same store under `signup:<ip>`, every sign-up an attempt: `burst`
 * (SIGNUP_BURST, 3) go through at once, each further one waits 1 s, 2 s, 4 s … after the last, and seven more
 * within an hour lock the client out of signing up for an hour. Each account is a fresh rate-limit bucket, so
 * accounts must not be free.
 */
export function signUpPolicy(burst: number): ThrottlePolicy {
  return { slowAfter: burst, lockAfter: burst + 7, lockMs: 60 * 60_000, windowMs: 60 * 60_000 };
}

const MAX_WAIT_MS = 60_000;

interface Attempts {
  failures: number;
  lastFailure: number;
  /** No attempt is heard before this time. */
  blockedUntil: number;
}

/** Where attempt counts live: in-process now; a shared store (Redis) when there are several instances. */
export interface LoginThrottle {
  /** Milliseconds the caller must still wait for `key`, or 0. */
  waitMs(key: string, policy: ThrottlePolicy, now: number): number;
  recordFailure(key: string, policy: ThrottlePolicy, now: number): void;
  clear(key: string): void;
}

export function createMemoryLoginThrottle(maxKeys = 100_000): LoginThrottle {
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
    waitMs(key, policy, now) {
      const a = live(key, policy, now);
      return a ? Math.max(0, a.blockedUntil - now) : 0;
    },
    recordFailure(key, policy, now) {
      const a = live(key, policy, now) ?? { failures: 0, lastFailure: now, blockedUntil: 0 };
      a.failures++;
      a.lastFailure = now;
      if (a.failures >= policy.lockAfter) a.blockedUntil = now + policy.lockMs;
      else if (a.failures >= policy.slowAfter) {
        a.blockedUntil = now + Math.min(1000 * 2 ** (a.failures - policy.slowAfter), MAX_WAIT_MS);
      }
      attempts.delete(key); // re-insert: the Map's order is then least recently failed first
      attempts.set(key, a);
      if (attempts.size > maxKeys) attempts.delete(attempts.keys().next().value!);
    },
    clear(key) {
      attempts.delete(key);
    },
  };
}
