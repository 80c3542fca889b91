/**
 * Slows down, then briefly locks, repeated failed sign-ins for one account and for one client. Keyed by the
 * email as typed (known or not), so the answers never reveal whether an account exists.
 *
 * Each failure from the third on makes the next attempt wait 1 s, 2 s, 4 s … (capped); at `lockAfter` failures
 * the key is locked for `lockMs`. A success clears the account's count. Counts expire after `windowMs` of quiet.
 * The counts live in an `AttemptThrottle` store (src/stores/throttle.ts: in-process, or on Redis and shared).
 */
import type { AttemptThrottle, ThrottlePolicy } from '../stores/throttle.js';

export type { ThrottlePolicy } from '../stores/throttle.js';
export { createMemoryThrottle as createMemoryLoginThrottle } from '../stores/throttle.js';

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

/** Where attempt counts live: one store for every instance when Redis is configured. */
export type LoginThrottle = AttemptThrottle;
