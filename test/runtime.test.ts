/**
 * The runtime workaround `npm start` applies (src/runtime/tickObjectShape.ts): one of Node's tick objects is kept
 * for the life of the process. If Node stops announcing tick objects to async hooks, this fails, and the workaround
 * (and its comment's figures) should be revisited.
 */
import { describe, expect, it } from 'vitest';
import { keepTickObjectShape, keptTickObject } from '../src/runtime/tickObjectShape.js';

describe('one tick object is kept alive', () => {
  it('is a tick object (its callback, no arguments), the same one however often it is asked', async () => {
    keepTickObjectShape();
    const kept = keptTickObject() as { callback?: unknown; args?: unknown } | undefined;
    expect(kept).toBeDefined();
    expect(typeof kept!.callback).toBe('function');
    expect(kept!.args).toBeUndefined();
    await new Promise((resolve) => process.nextTick(resolve));
    keepTickObjectShape();
    expect(keptTickObject()).toBe(kept);
  });
});

describe('no async hook is left behind', () => {
  it('a promise callback after it runs outside any async resource, as without hooks', async () => {
    keepTickObjectShape();
    const { executionAsyncId } = await import('node:async_hooks');
    const id = await Promise.resolve().then(() => executionAsyncId());
    expect(id).toBe(0);
  });
});
