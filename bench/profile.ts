/**
 * `npm run bench:profile -- --page product [--server project|apollo|mercurius] [--cache] [--seconds 10] [--heap]`:
 * where a server's CPU goes on one page. Seeds a catalog, starts the server compiled and under `node --cpu-prof`,
 * drives the page with autocannon for a while, stops it (the profile is written at exit), and prints self time per
 * request by area (a package, a file of ours, node's internals, the garbage collector) and by function. With
 * `--heap`, the bytes allocated per request instead (V8's sampling heap profiler over the inspector, counting what
 * the young and the old generation's collections freed too): what the garbage collector has to deal with. What
 * justifies (or not) each hot-path change; no timing is asserted anywhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { load } from './measure.js';
import { startPeer, type PeerKind } from './peers/index.js';
import { httpScenarios } from './scenarios/http.js';
import { cleanUp, freePort, ROOT, seedCatalog, startServer } from './server.js';

const { values } = parseArgs({
  options: {
    page: { type: 'string', default: 'product' },
    server: { type: 'string', default: 'project' },
    cache: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '10' },
    products: { type: 'string', default: '10000' },
    top: { type: 'string', default: '30' },
    heap: { type: 'boolean', default: false },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

execFileSync(process.execPath, ['tools/build.mjs', '--quiet'], { cwd: ROOT });
const catalog = await seedCatalog(Number(values.products));
const dir = mkdtempSync(join(tmpdir(), 'bazaar-profile-'));
const inspectPort = await freePort();
const nodeArgs = values.heap ? [`--inspect=127.0.0.1:${inspectPort}`] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
const server =
  values.server === 'project'
    ? await startServer(catalog, 'project', { OPTIMIZATIONS: 'on', RESPONSE_CACHE: values.cache ? 'on' : 'off' }, nodeArgs)
    : await startPeer(catalog, values.server as PeerKind, values.cache!, nodeArgs);
try {
  const scenario = httpScenarios(catalog.productId, catalog.categoryId).find((s) => s.key === values.page)!;
  await scenario.prepare?.(server.url);
  const r = scenario.request;
  const spec = { url: server.url + r.path, method: r.method, headers: r.headers, body: r.body, connections: 10 };
  await load({ ...spec, duration: 2 }); // warm-up (and start-up) samples are left out below
  const label = `${values.server}${values.cache ? ' (cache on)' : ''}, ${values.page}`;
  if (values.heap) {
    const sampling = await startHeapSampling(inspectPort);
    const measured = await load({ ...spec, duration: Number(values.seconds) });
    printAllocations(await sampling.stop(), measured.requests, `${label}: ${measured.rps.toFixed(0)} req/s`);
  } else {
    const result = await load({ ...spec, duration: Number(values.seconds) });
    await server.stop();
    // One profile a thread (CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile): the event loop's (thread 0) first.
    const threadOf = (file: string) => Number(file.split('.')[4]);
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => threadOf(a) - threadOf(b));
    for (const file of files) {
      const thread = threadOf(file) === 0 ? 'event loop' : `worker thread ${threadOf(file)}`;
      const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        nodes: ProfileNode[];
        startTime: number;
        endTime: number;
        samples: number[];
        timeDeltas: number[];
      };
      // Only the samples of the measured load: the last `seconds` before the server stopped (its shutdown is short).
      const from = profile.endTime - Number(values.seconds) * 1e6;
      const hitsOf = new Map<number, number>();
      let t = profile.startTime;
      let kept = 0;
      for (const [i, id] of profile.samples.entries()) {
        t += profile.timeDeltas[i]!;
        if (t < from) continue;
        hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
        kept++;
      }
      const usPerSample = (profile.endTime - from) / kept;
      const perRequest = (hits: number) => (hits * usPerSample) / result.requests;
      const byArea = new Map<string, number>();
      const byFunction = new Map<string, number>();
      for (const node of profile.nodes) {
        node.hitCount = hitsOf.get(node.id) ?? 0;
        const { functionName, url, lineNumber } = node.callFrame;
        const area = areaOf(url, functionName);
        byArea.set(area, (byArea.get(area) ?? 0) + node.hitCount);
        const fn = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
        byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.hitCount);
      }
      const busy = [...byArea].filter(([a]) => a !== '(idle)').reduce((n, [, h]) => n + h, 0);
      const print = (title: string, m: Map<string, number>) => {
        console.log(`\n${title}`);
        for (const [k, hits] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
          console.log(`${perRequest(hits).toFixed(1).padStart(8)} µs  ${k}`);
        }
      };
      console.log(`${label}: ${result.rps.toFixed(0)} req/s, ${result.requests} requests; ${thread} busy ${perRequest(busy).toFixed(0)} µs per request`);
      print('self time per request by area', byArea);
      print('self time per request by function', byFunction);
    }
  }
} finally {
  await server.stop();
  cleanUp(catalog);
  rmSync(dir, { recursive: true, force: true });
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  return shortUrl(url);
}

function shortUrl(url: string): string {
  const i = url.indexOf('/dist/');
  if (i >= 0) return url.slice(i + 6);
  const m = /node_modules\/(.*)$/.exec(url);
  return m ? m[1]! : url.replace(/^node:/, '');
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Starts V8's sampling heap profiler in the server over the inspector; `stop` returns what it sampled. */
async function startHeapSampling(port: number): Promise<{ stop(): Promise<SamplingNode> }> {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  let ids = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++ids;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call('HeapProfiler.enable');
  // Every 1 KB on average, and objects the collectors have freed by the end count too: allocation, not retention.
  await call('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop() {
      const { profile } = (await call('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
      socket.close();
      return profile.head;
    },
  };
}

function printAllocations(head: SamplingNode, requests: number, title: string): void {
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const visit = (node: SamplingNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + node.selfSize);
    const fn = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) visit(child);
  };
  visit(head);
  const kb = (bytes: number) => `${(bytes / requests / 1024).toFixed(1).padStart(8)} KB`;
  console.log(`${title}, ${requests} requests; ${kb(total).trim()} allocated per request`);
  for (const [title, m] of [['by area', byArea], ['by function', byFunction]] as const) {
    console.log(`\nallocated per request ${title}`);
    for (const [k, bytes] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${kb(bytes)}  ${k}`);
  }
}
