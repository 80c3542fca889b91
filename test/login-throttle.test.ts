/** The login throttle's policy on its own: the HTTP tests cover one account; these cover clients and memory. */
import { describe, expect, it } from 'vitest';
import { CLIENT_POLICY, createMemoryLoginThrottle } from '../src/auth/loginThrottle.js';

describe('one client failing across many accounts', async () => {
  it('is slowed after 10 failures and locked after 30', async () => {
    const throttle = createMemoryLoginThrottle();
    let now = 0;
    for (let i = 1; i <= 30; i++) {
      expect(await throttle.waitMs('client:10.0.0.1', CLIENT_POLICY, now)).toBe(0);
      await throttle.recordFailure('client:10.0.0.1', CLIENT_POLICY, now);
      if (i === 9) expect(await throttle.waitMs('client:10.0.0.1', CLIENT_POLICY, now)).toBe(0);
      if (i === 10) expect(await throttle.waitMs('client:10.0.0.1', CLIENT_POLICY, now)).toBe(1000);
      now += 60_001; // wait out any slow-down before the next attempt
    }
    expect(await throttle.waitMs('client:10.0.0.1', CLIENT_POLICY, now - 60_001)).toBe(CLIENT_POLICY.lockMs);
    expect(await throttle.waitMs('client:10.0.0.2', CLIENT_POLICY, now)).toBe(0);
  });

  it('forgets failures after a quiet window', async () => {
    const throttle = createMemoryLoginThrottle();
    for (let i = 0; i < 9; i++) await throttle.recordFailure('k', CLIENT_POLICY, 0);
    await throttle.recordFailure('k', CLIENT_POLICY, CLIENT_POLICY.windowMs + 1);
    expect(await throttle.waitMs('k', CLIENT_POLICY, CLIENT_POLICY.windowMs + 1)).toBe(0);
  });

  it('holds at most maxKeys entries, dropping the least recently failed', async () => {
    const throttle = createMemoryLoginThrottle(100);
    for (let i = 0; i < 1000; i++) for (let j = 0; j < 10; j++) await throttle.recordFailure(`k${i}`, CLIENT_POLICY, 0);
    expect(await throttle.waitMs('k999', CLIENT_POLICY, 0)).toBeGreaterThan(0);
    expect(await throttle.waitMs('k0', CLIENT_POLICY, 0)).toBe(0);
  });
});
