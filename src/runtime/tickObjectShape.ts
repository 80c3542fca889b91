/**
 * Keeps one of `process.nextTick`'s tick objects alive for the life of the process.
 *
 * Node 20 builds each tick object as `{ [async_id_symbol]: id, [trigger_async_id_symbol]: trigger, callback, args }`.
 * Its symbol keys are added one by one from an empty object of V8's cached literal map, and V8 optimizes that only
 * while the site has seen few maps. Under this server's load the site goes megamorphic, most likely because the map
 * is collected whenever no tick object is alive at a major collection and the next one starts from a new map; from
 * then on every `nextTick` (node's HTTP and streams call it several times a request) adds the two properties in
 * V8's runtime. Holding one tick object keeps its maps alive: `bench:profile` on the product page measured
 * `nextTick`'s own time at 1.6 µs a request without this and 0.3 µs with it, and callgrind counted ~23,000 fewer
 * instructions a cache hit (`Runtime_DefineKeyedOwnPropertyInLiteral` gone). The bare node:http ceiling of the
 * bench does not show the cost; a process that allocates less, and collects less often, keeps the map by chance.
 *
 * The object is found through an async hook's `init`, enabled for one `nextTick` call only.
 */
import { createHook } from 'node:async_hooks';

let kept: object | undefined;

export function keepTickObjectShape(): void {
  if (kept) return;
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'TickObject') kept ??= resource;
    },
  }).enable();
  process.nextTick(() => undefined);
  // Not from inside `init`: a hook disabled there leaves Node 20's promise hooks installed (every promise then
  // pays for an async id).
  hook.disable();
}

/** The tick object kept (undefined before `keepTickObjectShape`, or if Node stops announcing them). */
export const keptTickObject = (): object | undefined => kept;
