/**
 * Execution threads for SQLite (`EXECUTION_THREADS`): worker threads that run the fast path's queries (see
 * src/graphql/executionThread.ts), each on a read-only connection of its own. The event loop keeps HTTP, admission
 * and the answer's headers and extensions; a thread executes the compiled query, counts its actual cost and
 * serializes its data. A job is the document's number (its text too, the first time a thread gets it), variables,
 * viewer and charge; a reply, the actual cost and where its data lies in the message's bytes: every reply's UTF-8
 * JSON in one buffer (moved, not copied), since allocating an ArrayBuffer costs ~3 µs in Node 20, more than encoding
 * a product page into it. Each side sends what one turn of its event loop produced as one message: posting a message and waking the thread that reads it cost about as much as a small query's
 * execution, so one a request ate the gain (bench:ab, product page: 457 µs CPU a request and 0.98x Mercurius with a
 * message a job, 343 µs and 1.28x batched by turn).
 *
 * For the same reason work goes to as few threads as keep up (`pickThread`): a thread takes jobs until about two
 * milliseconds of them wait there, and only then does the next one get any; and a thread has one message at a time,
 * the jobs that come meanwhile going together when it answers. Light queries (a product page, ~100 µs a job) then
 * keep one thread busy and the other mostly asleep, rather than waking two for half as much each; heavy ones (a
 * category listing, ~900 µs) spread at once. Side by side on two cores (bench:ab, requests a second, by Mercurius'):
 * spreading every turn's jobs over both threads 1.15x on the product page and 1.48x on the category listing; one
 * thread 1.34x and 1.26x; filling to 1 ms 1.29x and 1.49x; to 2 ms 1.18x and 1.35x where 1 ms was 1.13x and 1.26x.
 *
 * Threads start with the first query offered (a server that never repeats a query never starts them), and take
 * work once each has loaded; until then, and whenever a thread is gone, `run` declines and the query runs on the
 * event loop. Each read sees the last committed state (WAL), so what a mutation wrote is read by the next query
 * wherever it runs.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/index.js';
import type { Viewer } from '../context.js';

/**
 * A thread per core, up to 4: the event loop keeps a share of each request (HTTP, admission), and the threads share
 * the cores with it.
 */
export const DEFAULT_EXECUTION_THREADS = Math.min(availableParallelism(), 4);

/**
 * A thread's young generation may grow to 192 MB (V8's for a 64 MB semi-space; its default is 48 MB): a thread holds
 * what several requests built while their turn's replies are gathered, and with the default more of it survived into
 * the old generation. Side by side (bench:ab, product page, 2 s rounds): 1.17x the requests a second of the default,
 * CPU a request 508 -> 415 µs; 96 MB gave 1.09x. Only the threads get it (they exist only with the response cache off
 * on SQLite); a process-wide flag would grow the WebSocket fan-out's memory too.
 */
const LIMITS = { maxYoungGenerationSizeMb: 192 };

/** What a thread is started with. */
export interface ThreadData {
  file: string;
  config: Config;
  /** The query-cost model's bound on selections (its plans are built there too). */
  selections: number;
}

/**
 * A query for a thread: [job id, document number, text (null once the thread was sent it: it keeps the document
 * compiled by its number), operation name, variables as sent, variables coerced (the event loop coerced them to price
 * the query; the thread costs it with the same values), viewer, ip, request id, requested cost].
 */
export type Job = [number, number, string | null, string | null, Record<string, unknown> | null, Record<string, unknown>, Viewer | null, string, string, number];

/** Documents a thread keeps compiled, by the event loop's number for them; the pool sends each text once, as far as it knows. */
export const DOCUMENTS_MAX = 1000;
/** [job id, actual cost, start and end of its data (UTF-8 JSON) in the message's bytes]; the last three absent when it failed. */
export type Reply = [number] | [number, number, number, number];
/**
 * A thread's message, one for each of the pool's once the thread has run what it could of it (a job still waiting
 * on something answers in a later one): [statements run since its last message, µs spent, replies, their data].
 */
export type Answers = [number, number, Reply[], Uint8Array];

/** Work (estimated µs) a thread may have waiting before the next thread gets jobs too (1,000 spilled a third of the product page's). */
const SPILL_US = 2000;

/**
 * What a job is taken to cost on a thread until it has reported one: without a guess, a thread whose first message
 * is slow would take every job until it answers.
 */
const FIRST_JOB_US = 200;

export interface Executed {
  actual: number;
  data: Buffer;
}

export interface ExecutionPool {
  /**
   * Runs a query on a thread (`pickThread`): resolves to its data and actual cost, or to null when it failed there
   * (errors: the caller lets Apollo answer). Undefined at once when no thread is ready to take it.
   */
  run(
    document: number,
    query: string,
    operationName: string | undefined,
    variables: Record<string, unknown> | undefined,
    coerced: Record<string, unknown>,
    viewer: Viewer | null,
    request: { ip: string; id: string },
    requested: number,
  ): Promise<Executed | null> | undefined;
  /** Queries the threads have answered (data or failure). */
  executed(): number;
  /** Starts the threads (if not yet) and resolves once every one has loaded (or failed to). */
  ready(): Promise<void>;
  /** Ends every thread; what they held resolves to null. */
  close(): Promise<void>;
}

export interface ExecutionPoolOptions extends ThreadData {
  threads: number;
  /** Statements the threads ran (added to the engine's count, so /metrics and the N+1 rule see them). */
  onStatements(count: number): void;
  /** A thread that failed to start or died (it leaves the pool). */
  onFailure(err: unknown): void;
}

/** What `pickThread` knows of a thread: whether it has loaded, its jobs not answered yet, µs a job takes there. */
export interface ThreadLoad {
  ready: boolean;
  jobs: number;
  jobUs: number;
}

/**
 * Where the next job goes: the first ready thread with less than SPILL_US of work waiting, else the ready one with
 * the least; -1 when none is ready.
 */
export function pickThread(loads: readonly ThreadLoad[]): number {
  let least = -1;
  let leastUs = Infinity;
  for (const [i, load] of loads.entries()) {
    if (!load.ready) continue;
    const waitingUs = load.jobs * load.jobUs;
    if (waitingUs < SPILL_US) return i;
    if (waitingUs < leastUs) [least, leastUs] = [i, waitingUs];
  }
  return least;
}

interface Thread {
  worker: Worker;
  /** Jobs not posted yet: this turn's, sent together at its end, or those waiting for the thread's answer. */
  outbox: Job[];
  ready: boolean;
  /** Settles when it has loaded or has left the pool. */
  loaded: Promise<void>;
  waiting: Map<number, (value: Executed | null) => void>;
  /** A message posted and not answered yet: while there is one, new jobs wait in the outbox for its answer. */
  posted: boolean;
  /** What a job takes there, in µs: a moving average of what the thread reports. */
  jobUs: number;
  /**
   * Documents whose text the thread was sent: their jobs carry the number alone (a text is ~1 KB to copy each way,
   * ~1.2 µs of the event loop's a job). Bounded like the thread's own memo; a job the thread cannot run without the
   * text fails (and the event loop runs it), and its document's text goes with the next one.
   */
  sent: Set<number>;
}

/**
 * The thread's module beside this one: JavaScript from dist/ (`npm start`), or, from the TypeScript sources (tests,
 * `npm run dev`), loaded through tsx's `tsImport` by a one-line bootstrap (Node 20 does not carry a parent's module
 * hooks into a worker).
 */
function threadWorker(data: ThreadData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./executionThread.js', import.meta.url), { workerData: data, resourceLimits: LIMITS });
  const source = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(new URL('./executionThread.ts', import.meta.url).href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(source, { eval: true, workerData: data, resourceLimits: LIMITS });
}

export function createExecutionPool(options: ExecutionPoolOptions): ExecutionPool {
  const { threads: size, onStatements, onFailure, ...data } = options;
  const threads: Thread[] = [];
  let started = false;
  let closed = false;
  let jobs = 0;
  let executed = 0;

  const leave = (thread: Thread, err: unknown) => {
    const at = threads.indexOf(thread);
    if (at < 0) return;
    threads.splice(at, 1);
    for (const resolve of thread.waiting.values()) resolve(null);
    thread.waiting.clear();
    if (!closed) onFailure(err);
  };

  /** One message a turn (or on the thread's answer): the jobs gathered meanwhile go to the thread together. */
  const send = (thread: Thread) => {
    const jobs = thread.outbox;
    if (jobs.length === 0 || thread.posted || !threads.includes(thread)) return;
    thread.outbox = [];
    thread.posted = true;
    thread.worker.postMessage(jobs);
  };

  const pick = (): Thread | undefined => threads[pickThread(threads.map((t) => ({ ready: t.ready, jobs: t.waiting.size, jobUs: t.jobUs })))];

  const start = () => {
    started = true;
    for (let i = 0; i < size; i++) {
      const worker = threadWorker(data);
      let loaded!: () => void;
      const thread: Thread = {
        worker,
        outbox: [],
        ready: false,
        loaded: new Promise((resolve) => (loaded = resolve)),
        waiting: new Map(),
        posted: false,
        jobUs: FIRST_JOB_US,
        sent: new Set(),
      };
      threads.push(thread);
      worker.on('message', (message: Answers | 'ready') => {
        if (message === 'ready') {
          thread.ready = true;
          loaded();
          return;
        }
        const [statements, busyUs, replies, bytes] = message;
        if (statements > 0) onStatements(statements);
        if (busyUs > 0 && replies.length > 0) thread.jobUs = 0.8 * thread.jobUs + (0.2 * busyUs) / replies.length;
        thread.posted = false;
        send(thread);
        for (const [id, actual, start, end] of replies) {
          const resolve = thread.waiting.get(id);
          if (!resolve) continue;
          thread.waiting.delete(id);
          executed++;
          resolve(start === undefined ? null : { actual: actual!, data: Buffer.from(bytes.buffer, bytes.byteOffset + start, end! - start) });
        }
      });
      worker.on('error', (err) => {
        loaded();
        leave(thread, err);
      });
      worker.on('exit', (code) => {
        loaded();
        leave(thread, new Error(`execution thread exited with code ${code}`));
      });
    }
  };

  return {
    run(document, query, operationName, variables, coerced, viewer, request, requested) {
      if (closed) return undefined;
      if (!started) start();
      const thread = pick();
      if (!thread) return undefined;
      const id = ++jobs;
      const sent = thread.sent.has(document);
      if (!sent) {
        if (thread.sent.size >= DOCUMENTS_MAX) thread.sent.clear();
        thread.sent.add(document);
      }
      const job: Job = [id, document, sent ? null : query, operationName ?? null, variables ?? null, coerced, viewer, request.ip, request.id, requested];
      if (thread.outbox.length === 0 && !thread.posted) setImmediate(send, thread);
      thread.outbox.push(job);
      return new Promise<Executed | null>((resolve) =>
        thread.waiting.set(id, (executed) => {
          if (!executed) thread.sent.delete(document);
          resolve(executed);
        }),
      );
    },
    executed: () => executed,
    async ready() {
      if (!started && !closed) start();
      await Promise.all(threads.map((thread) => thread.loaded));
    },
    async close() {
      closed = true;
      const ending = threads.splice(0);
      for (const thread of ending) {
        for (const resolve of thread.waiting.values()) resolve(null);
        thread.waiting.clear();
      }
      await Promise.all(ending.map((thread) => thread.worker.terminate()));
    },
  };
}
