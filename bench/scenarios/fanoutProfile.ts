/**
 * `npx tsx bench/scenarios/fanoutProfile.ts [--subscribers 10000] [--updates 5] [--products 200]`: where the
 * server's CPU goes while it fans changes out. Runs the fan-out scenario (fanout.ts) against the compiled server
 * started under `node --cpu-prof`, keeps the samples from the first status change to the last delivery, and prints
 * the server's busy time per change by area (a package, a file of ours, node's internals, the garbage collector)
 * and by function. Measures nothing it asserts; it says which line of the delivery path to look at.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanUp, ROOT, seedCatalog, startServer } from '../server.js';
import { fanout } from './fanout.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    updates: { type: 'string', default: '5' },
    products: { type: 'string', default: '200' },
    top: { type: 'string', default: '25' },
    /** Sampling interval, µs. */
    interval: { type: 'string', default: '250' },
    /** Subscribers per client process. */
    'per-process': { type: 'string', default: '2500' },
    /** Profile the client processes instead of the server. */
    clients: { type: 'boolean', default: false },
    /** The server's entry point (a copy of dist/ from another commit, to compare two builds in turn). */
    entry: { type: 'string', default: 'dist/src/main.js' },
    /** Skip building dist/ first. */
    'no-build': { type: 'boolean', default: false },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

const n = Number(values.subscribers);
if (!values['no-build']) execFileSync(process.execPath, ['tools/build.mjs', '--quiet'], { cwd: ROOT });
const catalog = await seedCatalog(Number(values.products));
const dir = mkdtempSync(join(tmpdir(), 'bazaar-fanout-profile-'));
const cap = String(n + 100);
const profiling = ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${values.interval}`];
const server = await startServer(
  catalog,
  'profiled',
  { WS_MAX_CONNECTIONS: cap, WS_MAX_CONNECTIONS_PER_IP: cap, WS_MAX_SUBSCRIPTIONS_PER_USER: cap },
  values.clients ? [] : profiling,
  [values.entry!],
);
try {
  const load = loadavg()[0]!;
  const r = await fanout(server, catalog.sellerProductIds[1]!, n, Number(values.updates), 1, {
    perProcess: Number(values['per-process']),
    clientNodeArgs: values.clients ? profiling : [],
  });
  await server.stop();
  const [from, to] = r.updatesWindowUs;
  let kept = 0;
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  // One profile (the server's) or one per client process, summed.
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      nodes: ProfileNode[];
      startTime: number;
      samples: number[];
      timeDeltas: number[];
    };
    const hitsOf = new Map<number, number>();
    let t = profile.startTime;
    for (const [i, id] of profile.samples.entries()) {
      t += profile.timeDeltas[i]!;
      if (t < from || t > to) continue;
      hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
      kept++;
    }
    for (const node of profile.nodes) {
      const hits = hitsOf.get(node.id) ?? 0;
      if (!hits) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const area = areaOf(url, functionName);
      byArea.set(area, (byArea.get(area) ?? 0) + hits);
      const fn = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
    }
  }
  const profiles = values.clients ? r.processes : 1;
  const usPerSample = ((to - from) * profiles) / Math.max(1, kept);
  const perChange = (hits: number) => (hits * usPerSample) / r.updates / 1000;
  const busy = [...byArea].filter(([a]) => a !== '(idle)' && a !== '(program)').reduce((s, [, h]) => s + h, 0);
  console.log(
    `${n} subscribers, ${r.updates} changes (load average ${load.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}): ` +
      `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms from the mutation; ` +
      `from commit p50 ${r.fromCommit.p50.toFixed(1)}, p99 ${r.fromCommit.p99.toFixed(1)} ms; ` +
      `server fan-out mean ${r.serverMs.mean.toFixed(1)} ms, max ${r.serverMs.max.toFixed(1)} ms; ` +
      `${r.delivered}/${r.expected} delivered, disorder ${r.disorder}, failures ${r.failures}`,
  );
  const whose = values.clients ? `${r.processes} client processes' main threads` : 'server main thread';
  console.log(`${whose} busy ${perChange(busy).toFixed(1)} ms per change (samples in the window, ${values.interval} µs apart)`);
  const print = (title: string, m: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [k, hits] of [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
      console.log(`${perChange(hits).toFixed(2).padStart(8)} ms  ${k}`);
    }
  };
  print('self time per change by area', byArea);
  print('self time per change by function', byFunction);
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
