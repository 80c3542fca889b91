/**
 * `extensions.cost` as JSON text, for the answers written before Apollo (cache hits, the fast path): the text
 * `JSON.stringify` makes of a `CostExtension` (its keys in the same order, a number as JSON writes it), written out,
 * because JSON.stringify spent ~7,000-10,000 instructions a request on this small object (bench:instructions).
 */
import type { CostExtension } from './index.js';

export function costJson({ requestedQueryCost, actualQueryCost, limit, throttleStatus: t }: CostExtension): string {
  return (
    `{"requestedQueryCost":${json(requestedQueryCost)},"actualQueryCost":${json(actualQueryCost)},"limit":${json(limit)},` +
    `"throttleStatus":{"maximumAvailable":${json(t.maximumAvailable)},"currentlyAvailable":${json(t.currentlyAvailable)},"restoreRate":${json(t.restoreRate)}}}`
  );
}

/** A number as JSON writes it: a non-finite one (and null) is `null`. */
const json = (n: number | null): string => (n !== null && Number.isFinite(n) ? String(n) : 'null');
