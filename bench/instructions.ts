/**
 * `npm run bench:instructions -- --page product [--server project|apollo|mercurius|ceiling] [--cache] [--requests 1000]`:
 * instructions a request, counted by valgrind's callgrind, a yardstick that does not move with what else the
 * machine does (requests per second on two shared cores swing by ±30% between runs; the same binary, inputs and
 * requests count the same instructions, whatever the other core is doing). The server starts under callgrind with
 * counting off, takes `--warmup` requests (so V8 has compiled its hot code), then counts `--requests` requests
 * (autocannon, 10 connections) and prints them a request, by where they ran: SQLite (better-sqlite3's addon), V8
 * and Node's C++ (the node binary: the runtime, the garbage collector, the HTTP parser, libuv), JavaScript that V8
 * compiled (code with no file), libc and the rest. Counts every thread (the reader, the GC helpers). The kernel's
 * work (system calls, the TCP stack) is not counted: the CPU time of `npm run bench:ab` covers it.
 *
 * Needs valgrind (Debian's `valgrind` package). About 50 requests a second under it: a few minutes a run.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCeiling } from './ceiling.js';
import { load, once } from './measure.js';
import { startPeer, type PeerKind } from './peers/index.js';
import { httpScenarios } from './scenarios/http.js';
import { cleanUp, launchUnder, ROOT, seedCatalog, startServer } from './server.js';

/** An area of the listing (`areaOf`), declared before the top-level code that uses it. */
const COMPILER = "V8's optimizing compiler (varies run to run)";

const { values } = parseArgs({
  options: {
    page: { type: 'string', default: 'product' },
    server: { type: 'string', default: 'project' },
    cache: { type: 'boolean', default: false },
    products: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '3000' },
    requests: { type: 'string', default: '1000' },
    /** How many functions to list by their own instructions (0: none). */
    top: { type: 'string', default: '25' },
    /** Copy callgrind's dump here, with the perf map, for callgrind_annotate (callers: `--tree=caller`). */
    keep: { type: 'string' },
    /** `VAR=value,VAR=value` for the project's server (SQLITE_READERS=0, say). */
    env: { type: 'string', default: '' },
  },
});

execFileSync(process.execPath, ['tools/build.mjs', '--quiet'], { cwd: ROOT });
const catalog = await seedCatalog(Number(values.products));
const scenario = httpScenarios(catalog.productId, catalog.categoryId).find((s) => s.key === values.page);
if (!scenario) throw new Error(`no page "${values.page}"`);
const dir = mkdtempSync(join(tmpdir(), 'bazaar-callgrind-'));
const out = join(dir, 'callgrind.out');
// Counting starts off (startup and warm-up run faster, and are not counted); callgrind_control turns it on.
const valgrind = ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`, '--dump-instr=no', '-q'];
/**
 * Node flags of the counted server. Under callgrind threads take turns, so V8's compiler thread, given a slice now and
 * then, is still compiling long after the warm-up; compiled on the event loop as it is asked for
 * (`--no-concurrent-recompilation`), less of it is left for the counted requests. Not all: after 10,000 warm-up
 * requests the compiler still took ~100,000 instructions a cache hit (the ceiling's too), which is why the listing
 * counts it apart. `--perf-basic-prof`: V8 writes where it put each compiled JavaScript function
 * (/tmp/perf-<pid>.map), which names what callgrind can only call by its address; the log it implies goes to `dir`.
 */
const NODE_FLAGS = ['--no-concurrent-recompilation', '--perf-basic-prof', `--logfile=${join(dir, 'v8.log')}`, '--no-logfile-per-isolate'];
// callgrind_control finds the process by a file named after USER and HOST: the same for both sides.
const env = { ...process.env, USER: process.env.USER ?? 'bench', HOST: '127.0.0.1' };
Object.assign(process.env, env);
const extra = Object.fromEntries(values.env!.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const startProject = () => startServer(catalog, 'project', { OPTIMIZATIONS: 'on', RESPONSE_CACHE: values.cache ? 'on' : 'off', ...extra });
if (values.server !== 'ceiling') launchUnder(valgrind, NODE_FLAGS);
const server =
  values.server === 'project'
    ? await startProject()
    : values.server === 'ceiling'
      ? await recordedCeiling()
      : await startPeer(catalog, values.server as PeerKind, values.cache!);
const control = (...args: string[]) => execFileSync('callgrind_control', [...args, String(server.pid)], { env, stdio: 'ignore' });
try {
  if (values.server !== 'ceiling') await scenario.prepare?.(server.url);
  const r = scenario.request;
  const spec = { url: server.url + r.path, method: r.method, headers: r.headers, body: r.body, connections: 10 };
  await load({ ...spec, amount: Number(values.warmup) });
  control('--instr=on');
  const measured = await load({ ...spec, amount: Number(values.requests) });
  control('--dump');
  const file = readdirSync(dir).map((f) => join(dir, f)).find((f) => f !== out && f.startsWith(out));
  if (!file) throw new Error('callgrind wrote no dump');
  if (values.keep) {
    mkdirSync(values.keep, { recursive: true });
    copyFileSync(file, join(values.keep, 'callgrind.out'));
    copyFileSync(`/tmp/perf-${server.pid}.map`, join(values.keep, 'perf.map'));
  }
  const byFunction = named(selfCost(readFileSync(file, 'utf8')), jsNames(server.pid));
  const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
  const n = measured.requests;
  const areas = new Map<string, number>();
  for (const [key, ir] of byFunction) areas.set(areaOf(key), (areas.get(areaOf(key)) ?? 0) + ir);
  console.log(`${values.server}${values.cache ? ' (cache on)' : ''}${values.env ? ` ${values.env}` : ''}, ${values.page}: ${n} requests, ${fmt(total / n)} instructions a request`);
  for (const [area, ir] of [...areas].sort((a, b) => b[1] - a[1])) console.log(`  ${fmt(ir / n).padStart(10)}  ${area}`);
  const top = [...byFunction]
    .filter(([key]) => areaOf(key) !== COMPILER)
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(values.top));
  if (top.length) console.log("\nby function (its own instructions a request; the optimizing compiler's left out)");
  for (const [key, ir] of top) console.log(`  ${fmt(ir / n).padStart(10)}  ${key.fn.slice(0, 110)} [${key.object.split('/').pop()}]`);
} finally {
  await server.stop();
  cleanUp(catalog);
  rmSync(dir, { recursive: true, force: true });
  rmSync(`/tmp/perf-${server.pid}.map`, { force: true });
}

/** Names JavaScript by V8's perf map of the process: `0x…` → `JS:*answer src/http/cacheHits.js:155` (a name or `0x…`). */
function jsNames(pid: number | undefined): (address: string) => string {
  let text = '';
  try {
    text = readFileSync(`/tmp/perf-${pid}.map`, 'utf8');
  } catch {
    return (address) => address;
  }
  const spans = text
    .split('\n')
    .map((line) => /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ start: parseInt(m[1]!, 16), end: parseInt(m[1]!, 16) + parseInt(m[2]!, 16), name: m[3]!.replaceAll(`${ROOT}/dist/`, '').replaceAll(`${ROOT}/`, '') }))
    .sort((a, b) => a.start - b.start);
  return (address) => {
    const at = parseInt(address, 16);
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid]!.end <= at) lo = mid + 1;
      else if (spans[mid]!.start > at) hi = mid - 1;
      else return `JS ${spans[mid]!.name}`;
    }
    return address;
  };
}

/** The same costs with JavaScript's addresses named, and the code objects of one function (tiers) summed. */
function named(costs: Map<{ object: string; fn: string }, number>, name: (address: string) => string) {
  const byName = new Map<string, { key: { object: string; fn: string }; ir: number }>();
  for (const [key, ir] of costs) {
    const fn = /^0x[0-9a-f]+$/.test(key.fn) ? name(key.fn).replace(/^JS (\w+:)?[*~^]?/, 'JS ') : key.fn;
    const id = `${key.object}\u0000${fn}`;
    const seen = byName.get(id);
    if (seen) seen.ir += ir;
    else byName.set(id, { key: { object: key.object, fn }, ir });
  }
  return new Map([...byName.values()].map(({ key, ir }) => [key, ir]));
}

/** The ceiling (bench/ceiling.ts) under callgrind, replaying what the project's server answered (run apart). */
async function recordedCeiling() {
  const origin = await startProject();
  let recorded;
  try {
    await scenario!.prepare?.(origin.url);
    recorded = await once(origin.url, scenario!.request);
  } finally {
    await origin.stop();
  }
  const ceiling = await startCeiling('node', valgrind, NODE_FLAGS);
  await ceiling.record(scenario!.request.path.split('?')[0]!, recorded);
  return ceiling;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * V8's optimizing compilers and its garbage collector apart from the rest of the node binary: under callgrind a
 * process runs ~50× slower, so V8 may still be compiling hot code after the warm-up, in bursts that differ from run to
 * run; what is left without them is the steady state to compare.
 */
function areaOf({ object, fn }: { object: string; fn: string }): string {
  if (object.includes('better_sqlite3')) return 'SQLite (better-sqlite3)';
  if (object.endsWith('/node')) {
    if (/v8::internal::(compiler|maglev|turboshaft)::|v8::internal::Pipeline|OptimizedCompilationJob/.test(fn)) return COMPILER;
    if (/v8::internal::(Heap|Scavenger|Scavenge|MarkCompact|Marking|ConcurrentMarking|Sweeper|MinorMarkCompact|.*Evacuat|.*Marking)|heap::base::/.test(fn)) return "V8's garbage collector";
    return 'V8 and Node (the node binary: runtime, builtins, HTTP parser, libuv)';
  }
  if (object === '???' || object === '') return 'JavaScript compiled by V8';
  if (object.includes('libc.so')) return 'libc (memory, strings)';
  return object;
}

/**
 * Self cost (Ir) by function and ELF object from a callgrind dump: each cost line belongs to the last `ob=` and
 * `fn=`, but the line after `calls=` is the call's inclusive cost (counted in the callee already). Names are
 * compressed: `(n) name` the first time, `(n)` after (objects and functions numbered apart).
 */
function selfCost(text: string): Map<{ object: string; fn: string }, number> {
  const tables = { ob: new Map<string, string>(), fn: new Map<string, string>() };
  const name = (table: Map<string, string>, v: string) => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(v.trim());
    if (!m) return v.trim();
    if (m[2] !== undefined) table.set(m[1]!, m[2]);
    return table.get(m[1]!) ?? m[1]!;
  };
  const costs = new Map<string, number>();
  let object = '';
  let fn = '';
  let skip = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('ob=')) object = name(tables.ob, line.slice(3));
    else if (line.startsWith('fn=')) fn = name(tables.fn, line.slice(3));
    // A callee's object and name may be defined here first; the line names nothing this cost belongs to.
    else if (line.startsWith('cob=')) name(tables.ob, line.slice(4));
    else if (line.startsWith('cfn=')) name(tables.fn, line.slice(4));
    else if (line.startsWith('calls=')) skip = true;
    else if (/^[+-]?\d|^\*/.test(line)) {
      if (skip) {
        skip = false;
        continue;
      }
      const ir = Number(line.trim().split(/\s+/)[1] ?? 0);
      const key = `${object}\u0000${fn}`;
      costs.set(key, (costs.get(key) ?? 0) + ir);
    }
  }
  return new Map([...costs].map(([key, ir]) => [{ object: key.split('\u0000')[0]!, fn: key.split('\u0000')[1]! }, ir]));
}
