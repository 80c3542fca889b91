/**
 * Password hashing with scrypt (a memory-hard KDF, in node:crypto, so no native dependency).
 * Stored as `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { RateLimitedError } from '../errors.js';

const KEY_LENGTH = 32;
/** OWASP's 2023 minimum for scrypt: N=2^17, r=8, p=1 (128 MiB of work memory). */
const DEFAULT_COST = { N: 2 ** 17, r: 8, p: 1 };

/**
 * What a password check costs a caller in points: about 0.4 s of a libuv thread (and 128 MiB), the price of
 * `logIn` and `signUp` (their SDL `@cost`) and of REST's `POST /auth/login`.
 */
export const KDF_COST_POINTS = 100;
/**
 * Derivations running at once. libuv has 4 threads (UV_THREADPOOL_SIZE) shared with file and DNS work and the rest
 * of node:crypto; at most half go to password hashing, the rest wait here in order. @default 2
 */
export const KDF_CONCURRENCY = 2;
/** Derivations waiting for a thread; past it a sign-in is refused (RATE_LIMITED, retry in a second). @default 200 */
export const KDF_QUEUE_MAX = 200;

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` when one of the KDF_CONCURRENCY slots is free, first come first served. */
async function inKdfSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= KDF_CONCURRENCY) {
    if (waiting.length >= KDF_QUEUE_MAX) throw new RateLimitedError('Too many sign-ins are being checked right now; retry in a second.', 1000);
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next(); // the slot passes on as it is
    else running--;
  }
}

/** Password derivations running and waiting now. */
export function kdfStats(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return inKdfSlot(
    () =>
      new Promise<Buffer>((ok, fail) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) =>
          err ? fail(err) : ok(key),
        ),
      ),
  );
}

export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
