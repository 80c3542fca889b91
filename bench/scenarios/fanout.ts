/**
 * Subscription fan-out: N WebSocket subscribers on one server process, all watching `myOrderUpdates` as the demo
 * seller (a seller's dashboard open on N screens: every change of any order of the seller reaches all of them),
 * then `rate` order status changes a second, `updates` in all, each fanned out to all N.
 *
 * Latency is measured twice per delivered message: from just before the mutation is sent (what the person who
 * changed the order waits for the N screens to show it: the mutation's own request and commit included), and from
 * the event's `at` (written by the server in the mutation's transaction, just before commit: commit → screen). The
 * server also reports its own part (`serverMs`): from the change feed handing a change to the hub to the write to
 * its last socket. Memory per connection is the server's RSS growth from before the connections opened to after
 * they all subscribed, divided by N.
 *
 * The subscribers live in separate processes (fanoutClient.ts, up to 2,500 connections each) on the same cores as
 * the server, so their own work of receiving N messages is inside the client-side latencies measured; the client
 * is kept to a timestamp and a string search per message for that reason.
 *
 * With a `floor` (fanoutBare.ts: a bare node:http + ws server per instance, no database, no GraphQL), as many
 * subscribers again connect to it from client processes of their own, and the two take turns: each change of the
 * app is followed, one period later, by one message from the floor to all of its sockets with the very bytes the
 * app's subscribers get for that change (its `at` set when the floor's write loop starts). Each one has the machine
 * to itself for its period, so the app's p99 over the floor's is the app's own share at the same load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { ROOT, type RunningServer } from '../server.js';
import { gql, logIn } from './accounts.js';
import { startBareFanout, type BareFanout } from './fanoutBare.js';
import type { FanoutClientReport } from './fanoutClient.js';

export interface FanoutResult {
  subscribers: number;
  /** Server instances the subscribers and changes were spread over (1 unless bench/cluster.ts). */
  instances: number;
  updates: number;
  rate: number;
  /** Seconds to open and subscribe every connection. */
  connectSeconds: number;
  expected: number;
  delivered: number;
  /** From just before the mutation is sent to the subscriber's process having the message, ms. */
  p50: number;
  p99: number;
  max: number;
  /** From the event's commit (its `at`) to the subscriber's process having the message, ms. */
  fromCommit: { p50: number; p99: number; max: number };
  /** The server's own part per change: from the change feed handing it on to the write to its last socket, ms. */
  serverMs: { mean: number; max: number };
  /** Messages that arrived for an event at or below one the subscriber already had (duplicates or out of order). */
  disorder: number;
  /** Error messages, unexpected messages and sockets the server closed. */
  failures: number;
  /** Subscriber processes. */
  processes: number;
  /** From the first mutation to the last delivery checked, in the system's monotonic clock (µs): a CPU profile's window. */
  updatesWindowUs: [number, number];
  /** The bare floor beside it (same clients, same frame size, taking turns), when measured. */
  floor?: FloorResult;
  /** Server RSS growth per connection, bytes. */
  bytesPerConnection: number;
  heapBytesPerConnection: number;
  sqlPerUpdate: number;
}

export interface FloorResult {
  delivered: number;
  expected: number;
  /** From the start of the floor's write loop (its message's `at`) to the subscriber's process having the message, ms. */
  p50: number;
  p99: number;
  max: number;
  /** The floor's write loop per message (the slowest instance's), mean and max, ms. */
  loopMs: { mean: number; max: number };
}

const SELECTION = '{ id status updatedAt events { id status at } }';
const SUBSCRIPTION = `subscription { myOrderUpdates ${SELECTION} }`;
/** Same length as an ISO timestamp: the floor's process writes its own time over it just before its write loop. */
const STAMP = '0000-00-00T00:00:00.000Z';
const FORWARD = ['CONFIRMED', 'PACKED', 'SHIPPED', 'OUT_FOR_DELIVERY', 'DELIVERED'];
const PER_PROCESS = 2_500;

interface Child {
  process: ChildProcess;
  lines: Interface;
  next(): Promise<any>;
}

function startClients(spec: object, nodeArgs: string[]): Child {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/scenarios/fanoutClient.ts', JSON.stringify(spec)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  let waiting: { resolve(line: string): void; reject(err: Error): void } | undefined;
  lines.on('line', (line) => {
    if (!waiting) return void queue.push(line);
    waiting.resolve(line);
    waiting = undefined;
  });
  child.once('exit', (code) => waiting?.reject(new Error(`a subscriber process exited with code ${code}`)));
  return {
    process: child,
    lines,
    next: (): Promise<any> =>
      new Promise((resolve, reject) => {
        const line = queue.shift();
        if (line !== undefined) return resolve(JSON.parse(line));
        if (child.exitCode !== null) return reject(new Error(`a subscriber process exited with code ${child.exitCode}`));
        waiting = { resolve: (l) => resolve(JSON.parse(l)), reject };
      }),
  };
}

/** `n` subscribers spread evenly over `urls`, in processes of up to `perProcess`; resolves once all have subscribed. */
async function subscribe(urls: string[], n: number, token: string, perProcess: number, nodeArgs: string[]): Promise<Child[]> {
  const children: Child[] = [];
  for (const [i, url] of urls.entries()) {
    const share = Math.floor(n / urls.length) + (i < n % urls.length ? 1 : 0);
    for (let left = share; left > 0; left -= perProcess) {
      const spec = { wsUrl: url.replace('http', 'ws') + '/graphql', token, count: Math.min(perProcess, left), query: SUBSCRIPTION };
      children.push(startClients(spec, nodeArgs));
    }
  }
  await Promise.all(children.map((c) => c.next()));
  return children;
}

/** Every subscriber process's arrivals so far, merged. */
async function collect(children: Child[]) {
  const arrivals: Record<string, number[]> = {};
  const commits: Record<string, number> = {};
  let disorder = 0;
  let failures = 0;
  for (const c of children) {
    c.process.stdin!.write('report\n');
    const part = (await c.next()) as FanoutClientReport;
    for (const [id, times] of Object.entries(part.arrivals)) (arrivals[id] ??= []).push(...times);
    Object.assign(commits, part.commits);
    disorder += part.disorder;
    failures += part.failures;
    for (const f of part.failed) process.stderr.write(`fan-out client: ${f}\n`);
  }
  const got = Object.values(arrivals).reduce((sum, t) => sum + t.length, 0);
  return { arrivals, commits, disorder, failures, got };
}

async function closeAll(children: Child[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((done) => {
          if (c.process.exitCode !== null) return done();
          c.process.once('exit', () => done());
          c.process.stdin!.write('close\n');
        }),
    ),
  );
}

function percentiles(values: number[]) {
  values.sort((a, b) => a - b);
  const pct = (p: number) => values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN;
  return { p50: pct(50), p99: pct(99), max: values.at(-1) ?? NaN };
}

/** Latency of each arrival from its event's `at`, for the events in `only` (all when absent). */
function fromAt(arrivals: Record<string, number[]>, commits: Record<string, number>, only?: Map<string, number>): number[] {
  const out: number[] = [];
  for (const [id, times] of Object.entries(arrivals)) {
    const committed = commits[id];
    if (committed === undefined || (only && !only.has(id))) continue;
    for (const t of times) out.push(t - committed);
  }
  return out;
}

/** The floor's message for a change: the bytes the app's subscribers get for it, its times left to the floor. */
function floorPayload(order: { updatedAt: string; events: { at: string }[]; [field: string]: unknown }): Buffer {
  const stamped = { ...order, updatedAt: STAMP, events: order.events.map((e, i, all) => (i === all.length - 1 ? { ...e, at: STAMP } : e)) };
  return Buffer.from(JSON.stringify({ data: { myOrderUpdates: stamped } }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

export interface FanoutOptions {
  /** Subscribers per client process. @default 2_500 */
  perProcess?: number;
  /** Node options for the client processes (`--cpu-prof` to profile them). */
  clientNodeArgs?: string[];
  /** The bare floor to measure beside the app, taking turns with it (fanoutBare.ts; one server per app instance). */
  floor?: BareFanout;
}

export async function fanout(
  server: RunningServer,
  productId: string,
  n: number,
  updates: number,
  rate: number,
  { perProcess = PER_PROCESS, clientNodeArgs = [], floor }: FanoutOptions = {},
): Promise<FanoutResult> {
  const [seller, admin, buyer] = await Promise.all(
    ['seller@example.com', 'admin@example.com', 'buyer@example.com'].map((e) => logIn(server.url, e)),
  );
  // Orders of the seller's product, placed before anyone subscribes; each can move forward five times.
  const orders: string[] = [];
  for (let i = 0; i < Math.ceil(updates / FORWARD.length); i++) {
    const placed = await gql(
      server.url,
      'mutation($p: ID!, $k: String!) { placeOrder(input: { items: [{ productId: $p, quantity: 1 }], idempotencyKey: $k }) { id } }',
      { p: productId, k: `fanout-${n}-${Date.now()}-${i}` },
      buyer,
    );
    orders.push(placed.placeOrder.id);
  }

  // The floor's subscribers first, so the app's memory is measured around its own connections only.
  const floorChildren = floor ? await subscribe(floor.urls, n, 'none', perProcess, clientNodeArgs) : [];
  let children: Child[] = [];
  try {
    while (floor && (await floor.subscribed()) < n) await sleep(50);
    const rssBefore = await server.metric('process_resident_memory_bytes');
    const heapBefore = await server.metric('nodejs_heap_size_used_bytes');
    const started = now();
    // Several instances (bench/cluster.ts): the subscribers are spread evenly over them, and so are the changes.
    const instances = server.urls ?? [server.url];
    children = await subscribe(instances, n, seller!, perProcess, clientNodeArgs);
    while ((await server.metric('graphql_subscriptions')) < n) await sleep(50);
    const connectSeconds = (now() - started) / 1000;
    await sleep(1000);
    const rss = (await server.metric('process_resident_memory_bytes')) - rssBefore;
    const heap = (await server.metric('nodejs_heap_size_used_bytes')) - heapBefore;

    const sent = new Map<string, number>();
    const loops: number[] = [];
    const sqlBefore = await server.metric('sql_statements_total');
    const fanoutsBefore = await server.metric('graphql_subscription_fanouts_total');
    const fanoutSecondsBefore = await server.metric('graphql_subscription_fanout_seconds_total');
    const windowFrom = Number(process.hrtime.bigint() / 1000n);
    const t0 = now();
    // With a floor each change gets two periods: the app's change, then the floor's message for it.
    const slot = (k: number) => sleep(Math.max(0, t0 + (k * 1000) / rate - now()));
    // SQL per update counts the statements of each change's own period (its mutation, the feeds' reads, the polls
    // that fall in it): the floor's periods would add polls that no change caused.
    let sqlInPeriods = 0;
    for (let u = 0; u < updates; u++) {
      await slot(floor ? 2 * u : u);
      const sqlAtStart = floor ? await server.metric('sql_statements_total') : 0;
      const at = now();
      const moved = await gql(
        instances[u % instances.length]!,
        `mutation($id: ID!, $s: OrderStatus!) { updateOrderStatus(id: $id, status: $s) ${SELECTION} }`,
        { id: orders[Math.floor(u / FORWARD.length)], s: FORWARD[u % FORWARD.length] },
        admin,
      );
      sent.set(moved.updateOrderStatus.events.at(-1).id, at);
      if (floor) {
        await slot(2 * u + 1);
        sqlInPeriods += (await server.metric('sql_statements_total')) - sqlAtStart;
        loops.push(Math.max(...(await floor.publish(floorPayload(moved.updateOrderStatus)))));
      }
    }

    // Wait until every subscriber has every update (or 30 s pass).
    const expected = n * updates;
    const deadline = now() + 30_000;
    let app = await collect(children);
    let bare = floor ? await collect(floorChildren) : undefined;
    while ((app.got < expected || (bare && bare.got < expected)) && now() < deadline) {
      await sleep(500);
      app = await collect(children);
      if (floor) bare = await collect(floorChildren);
    }
    const windowTo = Number(process.hrtime.bigint() / 1000n);
    const sqlPerUpdate = (floor ? sqlInPeriods : (await server.metric('sql_statements_total')) - sqlBefore) / updates;
    const fanouts = (await server.metric('graphql_subscription_fanouts_total')) - fanoutsBefore;
    const fanoutSeconds = (await server.metric('graphql_subscription_fanout_seconds_total')) - fanoutSecondsBefore;

    const latencies: number[] = [];
    for (const [id, times] of Object.entries(app.arrivals)) {
      const at = sent.get(id);
      if (at !== undefined) for (const t of times) latencies.push(t - at);
    }
    const floorLatencies = bare ? fromAt(bare.arrivals, bare.commits) : [];
    return {
      subscribers: n,
      instances: instances.length,
      updates,
      rate,
      connectSeconds,
      expected,
      delivered: latencies.length,
      ...percentiles(latencies),
      fromCommit: percentiles(fromAt(app.arrivals, app.commits, sent)),
      serverMs: { mean: fanouts > 0 ? (fanoutSeconds / fanouts) * 1000 : NaN, max: (await server.metric('graphql_subscription_fanout_max_seconds')) * 1000 },
      disorder: app.disorder + (bare?.disorder ?? 0),
      failures: app.failures + (bare?.failures ?? 0),
      processes: children.length,
      updatesWindowUs: [windowFrom, windowTo],
      floor: bare && {
        delivered: floorLatencies.length,
        expected,
        ...percentiles(floorLatencies),
        loopMs: { mean: loops.reduce((a, b) => a + b, 0) / loops.length, max: Math.max(...loops) },
      },
      bytesPerConnection: rss / n,
      heapBytesPerConnection: heap / n,
      sqlPerUpdate,
    };
  } finally {
    await closeAll([...children, ...floorChildren]);
    while ((await server.metric('websocket_connections')) > 0) await sleep(100);
  }
}

/** The floor alone (fanoutBare.ts run by itself): `n` subscribers, `updates` messages a second apart. */
export async function fanoutFloorAlone(n: number, updates: number, perProcess = PER_PROCESS) {
  const floor = await startBareFanout(1);
  const children = await subscribe(floor.urls, n, 'none', perProcess, []);
  try {
    while ((await floor.subscribed()) < n) await sleep(50);
    await sleep(1000);
    const loopMs: number[] = [];
    for (let u = 1; u <= updates; u++) {
      await sleep(1000);
      const events = Array.from({ length: u }, (_, i) => ({ id: `evt_${i + 1}`, status: 'SHIPPED', at: STAMP }));
      loopMs.push(...(await floor.publish(floorPayload({ id: 'ord_1', status: 'SHIPPED', updatedAt: STAMP, events }))));
    }
    await sleep(2000);
    const { arrivals, commits } = await collect(children);
    const latencies = fromAt(arrivals, commits);
    return { processes: children.length, expected: n * updates, delivered: latencies.length, ...percentiles(latencies), loopMs };
  } finally {
    await closeAll(children);
    await floor.stop();
  }
}
