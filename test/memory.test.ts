/**
 * Memory a client can make the server hold (issue 11, item 1): every memo keyed by client input is bounded by
 * bytes or keyed by a hash, Apollo's parsed-document cache included. The server runs in a child process so its
 * resident memory is its own; 1,500 unique ~100 KB variables and 1,500 unique ~100 KB documents leave it within
 * a stated bound of where it started (on the code before the fix, the same traffic grew it by well over 1 GB).
 */
import { describe, expect, it } from 'vitest';
import { startChildServer } from './helpers/childServer.js';

const MB = 1024 * 1024;
/** What the bounded memos may hold together (4 + 4 + 32 MiB), plus garbage not yet collected and allocator slack. */
const RSS_GROWTH_BOUND = 150 * MB;
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
    const server = await startChildServer();
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
