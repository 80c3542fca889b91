/**
 * `npm run bench:ab -- --page category 'default|' 'one thread|SQLITE_READERS=0' mercurius`: servers side by side on
 * one page, taking turns for a few rounds (as `npm run bench` does, without the ceiling and the report), each with
 * its requests per second and its CPU time per request split by thread (the event loop, the SQLite reader, V8's
 * helper threads: garbage collection and compilation), read from /proc. A spec is `label|VAR=value,VAR=value` (the
 * project's server with that environment; `NODE_OPTIONS=...` reaches node itself) or a peer's name (`apollo`,
 * `mercurius`). `--idle N` leaves every server idle N seconds after each of its rounds (as the whole bench does, where
 * each waits while the other setups run); `--connections N` sets autocannon's (10). For deciding one change with
 * evidence; nothing here is asserted.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { threadsCpuMs } from './cpu.js';
import { load } from './measure.js';
import { PEERS, startPeer, type PeerKind } from './peers/index.js';
import { httpScenarios } from './scenarios/http.js';
import { cleanUp, ROOT, seedCatalog, startServer, type RunningServer } from './server.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    page: { type: 'string', default: 'category' },
    rounds: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '4' },
    products: { type: 'string', default: '10000' },
    // Seconds every server sits idle after its timed round: the whole bench leaves each one idle ~25 s between rounds.
    idle: { type: 'string', default: '0' },
    connections: { type: 'string', default: '10' },
  },
});

interface Side {
  label: string;
  server: RunningServer;
  requests: number;
  ms: number;
  /** CPU ms by thread id over the timed rounds. */
  cpu: Map<number, number>;
  /** Requests a second in each round, in order: whether a side is slow throughout or in one round. */
  perRound: number[];
}

execFileSync(process.execPath, ['tools/build.mjs', '--quiet'], { cwd: ROOT });
const catalog = await seedCatalog(Number(values.products));
const sides: Side[] = [];
try {
  for (const spec of positionals) {
    const bar = spec.indexOf('|');
    const label = bar < 0 ? spec : spec.slice(0, bar);
    const env = Object.fromEntries(
      (bar < 0 ? '' : spec.slice(bar + 1))
        .split(',')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    // NODE_FLAGS (space-separated) go on node's command line: some V8 flags are refused in NODE_OPTIONS.
    const { NODE_FLAGS: flags = '', ...rest } = env;
    const server =
      bar < 0 && label in PEERS
        ? await startPeer(catalog, label as PeerKind, false)
        : await startServer(catalog, label, { RESPONSE_CACHE: 'off', ...rest }, flags.split(' ').filter(Boolean));
    sides.push({ label, server, requests: 0, ms: 0, cpu: new Map(), perRound: [] });
  }
  const scenario = httpScenarios(catalog.productId, catalog.categoryId).find((s) => s.key === values.page);
  if (!scenario) throw new Error(`no page "${values.page}"`);
  const r = scenario.request;
  const run = (side: Side, duration: number) =>
    load({ url: side.server.url + r.path, method: r.method, headers: r.headers, body: r.body, connections: Number(values.connections), duration });
  for (const side of sides) {
    await scenario.prepare?.(side.server.url);
    await run(side, 3); // warm-up
  }
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const side of round % 2 ? [...sides].reverse() : sides) {
      const before = threadsCpuMs(side.server.pid);
      const result = await run(side, Number(values.seconds));
      for (const [tid, ms] of threadsCpuMs(side.server.pid)) side.cpu.set(tid, (side.cpu.get(tid) ?? 0) + ms - (before.get(tid) ?? 0));
      side.requests += result.requests;
      side.ms += result.seconds * 1000;
      side.perRound.push(Math.round(result.requests / result.seconds));
      await new Promise((resolve) => setTimeout(resolve, Number(values.idle) * 1000));
    }
  }
  const first = sides[0]!;
  const rps = (s: Side) => (s.requests / s.ms) * 1000;
  for (const side of sides) {
    const us = (ms: number) => Math.round((ms * 1000) / side.requests);
    const main = side.cpu.get(side.server.pid!) ?? 0;
    const others = [...side.cpu].filter(([tid]) => tid !== side.server.pid).map(([, ms]) => ms).sort((a, b) => b - a);
    const total = [...side.cpu.values()].reduce((a, b) => a + b, 0);
    console.log(
      `${side.label.padEnd(20)} ${Math.round(rps(side)).toString().padStart(6)} req/s  ${(rps(side) / rps(first)).toFixed(2)}×  ` +
        `CPU a request ${us(total)} µs: event loop ${us(main)}, other threads ${others.filter((ms) => ms > 0).map(us).join(' / ') || 0}`,
    );
    console.log(`${''.padEnd(20)} by round: ${side.perRound.join(', ')}`);
  }
} finally {
  for (const side of sides) await side.server.stop();
  cleanUp(catalog);
}
