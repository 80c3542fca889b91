/**
 * Memory a client can make the server hold (issue 11, item 1): every memo keyed by client input is bounded by
 * bytes or keyed by a hash, Apollo's parsed-document cache included. The server runs in a child process so its
 * resident memory is its own; 1,500 unique ~100 KB variables and 1,500 unique ~100 KB documents leave it within
 * a stated bound of where it started (on the code before the fix, the same traffic grew it by well over 1 GB).
 */
import { describe, expect, it } from 'vitest';
import { startChildServer } from './helpers/childServer.js';

const MB = 1024 * 1024;
/** What the bounded memos may hold together (4 + 4 + 32 MiB), plus allocator slack (measured: ~25 MB in all). */
const RSS_GROWTH_BOUND = 100 * MB;
/** The server's V8 old-space cap: its idle heap (~50 MB) and the bounded memos (40 MiB), with room to spare. */
const HEAP_CAP_MB = 192;
const INPUTS = 1500;
const PAD = 100_000;

/** Sends `count` requests, a few at a time; stops early once `over()` says the bound is already broken. */
async function flood(url: string, body: (i: number) => string, count = INPUTS, over = () => false, concurrency = 4) {
  let next = 0;
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && !over()) {
        const i = next++;
        const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

describe('memory: memos keyed by client input stay bounded', () => {
  it(`${INPUTS} unique large variables, then ${INPUTS} unique large documents, grow RSS by under ${RSS_GROWTH_BOUND / MB} MB`, async () => {
    // The heap is capped: V8 then collects garbage before it grows the heap, so RSS measures what the server keeps
    // (uncapped, a heap in no hurry to collect holds ~100 MB of dead request bodies and the bound measures the GC).
    // What the memos may hold fits easily; an unbounded memo fills the cap and the server dies (the test fails).
    const server = await startChildServer({ NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_CAP_MB}` });
    const query = 'query($id: ID!) { product(id: $id) { id title } }';
    // Warm up (JIT, first compiles, the first cache entries, a first large body) before the baseline.
    const pad = 'x'.repeat(PAD);
    await flood(server.url, (i) => JSON.stringify({ query, variables: { id: `prd_${(i % 50) + 1}`, pad } }), 200);
    const baseline = server.rss();
    let peak = baseline;
    const over = () => (peak = Math.max(peak, server.rss())) - baseline >= RSS_GROWTH_BOUND;
    const vars = await flood(server.url, (i) => JSON.stringify({ query, variables: { id: 'prd_1', pad: `${i}${pad}` } }), INPUTS, over);
    expect(peak - baseline).toBeLessThan(RSS_GROWTH_BOUND);
    expect(vars.get(200)).toBe(INPUTS);
    const docs = await flood(server.url, (i) => JSON.stringify({ query: `# ${i}${pad}\n{ product(id: "prd_1") { id title } }` }), INPUTS, over);
    expect(peak - baseline).toBeLessThan(RSS_GROWTH_BOUND);
    expect(docs.get(200)).toBe(INPUTS);
    // Still serving.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 300_000);
});
