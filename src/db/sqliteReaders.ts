/**
 * Read-only connections to the SQLite file, each on its own worker thread, so SQLite's own work for reads (about
 * half of an uncached page's CPU: README "Performance") runs beside the event loop instead of on it. Node runs
 * JavaScript on one core; with these, a SQLite server uses a second one. WAL lets readers and the writer proceed at
 * once, and each read sees the last committed state, as a read on the main connection outside a transaction does.
 *
 * The main connection (src/db/sqlite.ts) keeps every write, every transaction and every PRAGMA; it sends here only
 * statements that SQLite itself reports read-only and that begin with SELECT or WITH, and of those only the ones
 * whose SQLite time (timed wherever they run, a moving average by statement) is worth the trip (`worthOffloading`).
 * A reader that fails (its thread dies) rejects what it held and leaves the pool: reads then run on the main
 * connection again.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { rowMaker, type RowMaker } from './sqliteRows.js';

/**
 * None by default: every read on the event loop. Since rows are built in JavaScript (src/db/sqliteRows.ts), a read's
 * trip to a reader (its rows as JSON text there, parsed here, kept alive across collections while it waits) costs
 * the process more CPU than the event loop saves: side by side on two cores shared with the load generator, the
 * category listing's CPU a request was 2,211-2,258 µs with a reader and 1,230-1,368 µs without (README
 * "Performance"). `SQLITE_READERS=1` is for a machine whose other cores are idle.
 */
export const DEFAULT_SQLITE_READERS = 0;

type Method = 'all' | 'get';
interface Waiting {
  method: Method;
  name: string;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}
/** A row as an array of its columns' values; `columns` with the first answer a reader gives for the statement. */
type Reply =
  | { id: number; columns?: string[]; value: unknown[][] | unknown[] | undefined; us: number }
  | { id: number; error: { message: string; code?: string } };

/**
 * The reader thread, as source text: a worker started from a file would need the TypeScript loader under tsx and
 * the compiled file under dist. It prepares each statement once (by name) and answers each request in order.
 */
const READER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
} catch (err) {
  // Thrown across threads, better-sqlite3's error class arrives as a bare object: send its words instead.
  throw new Error('cannot open ' + workerData.file + ': ' + (err && (err.message || err.code)));
}
db.pragma('busy_timeout = 5000');
const prepared = new Map();
// One request a message, one reply a message: a batch held until the end of a turn (and answered whole) kept the
// event loop idle while the reader worked and the reader idle while the event loop did; and a reply above 100 KB is
// deserialized straight into the old generation. Per statement, each side starts as soon as the other is done.
parentPort.on('message', ([id, method, name, sql, params]) => {
  let reply;
  try {
    let entry = prepared.get(name);
    if (entry === undefined) {
      // Its text comes until this thread has answered it once (see Reader.send).
      if (sql === undefined) throw new Error('statement ' + name + ' was never sent with its text');
      const s = db.prepare(sql).raw(true);
      prepared.set(name, (entry = { s, columns: s.columns().map((c) => c.name), sent: false }));
    }
    const started = performance.now();
    const value = method === 'all' ? entry.s.all(...params) : entry.s.get(...params);
    const us = Math.round((performance.now() - started) * 1000);
    // The column names go with the first answer that has rows to key (not with a failure): the event loop keeps them.
    reply = { id, columns: entry.sent ? undefined : entry.columns, value, us };
    entry.sent = true;
  } catch (err) {
    reply = { id, error: { message: String(err && err.message), code: err && err.code } };
  }
  // Rows as arrays of values in JSON text: cheaper to pass and to read on the event loop than a structured clone of
  // objects, and a third smaller than objects' JSON. Every column here is an integer, a real or a text (no BLOB: a
  // Buffer would not survive JSON).
  parentPort.postMessage(JSON.stringify(reply));
});
`;

/**
 * A statement whose SQLite work takes less than this (a moving average, in µs) runs on the event loop: handing it to
 * a reader costs the event loop about as much (the message each way, the reply's JSON, another turn), and a request
 * that waits on a reader keeps what it has built alive across more young-generation collections. Side by side
 * (README "Performance"), 60 µs beat 0 (every read on a reader) by 1.14-1.16× on both pages, and on the product page
 * 30 µs (1.11×) and 120 µs (1.02×); on the category listing 120 µs measured the same as 60.
 */
export const DEFAULT_OFFLOAD_FROM_US = 60;

export class SqliteReaders {
  private readonly readers: Reader[] = [];
  /** Each statement's SQLite time, a moving average in µs, wherever it last ran. */
  private readonly costs = new Map<string, number>();

  constructor(
    file: string,
    count: number,
    private readonly offloadFromUs = DEFAULT_OFFLOAD_FROM_US,
  ) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const timed = (name: string, us: number) => this.timed(name, us);
    for (let i = 0; i < count; i++) this.readers.push(new Reader(file, driver, (r) => this.drop(r), timed));
  }

  /** Whether a statement is worth a reader: until it has been timed, it is. */
  worthOffloading(name: string): boolean {
    const us = this.costs.get(name);
    return us === undefined || us >= this.offloadFromUs;
  }

  /** A statement's SQLite time, from a reader or from the event loop. */
  timed(name: string, us: number): void {
    const before = this.costs.get(name);
    this.costs.set(name, before === undefined ? us : before + (us - before) / 8);
  }

  /** False once every reader has failed (or none was asked for): the caller reads on its own connection. */
  get available(): boolean {
    return this.readers.length > 0;
  }

  /** Runs a read-only statement on the least busy reader. `params` are already bound (no booleans, no arrays). */
  read(method: Method, name: string, sql: string, params: readonly unknown[]): Promise<unknown> {
    let best = this.readers[0]!;
    for (let i = 1; i < this.readers.length; i++) if (this.readers[i]!.waiting < best.waiting) best = this.readers[i]!;
    return best.send(method, name, sql, params);
  }

  /** Stops every reader (their connections close with their threads); reads still waiting are rejected. */
  async close(): Promise<void> {
    const readers = this.readers.splice(0);
    await Promise.all(readers.map((r) => r.stop()));
  }

  private drop(reader: Reader): void {
    const i = this.readers.indexOf(reader);
    if (i >= 0) this.readers.splice(i, 1);
  }
}

class Reader {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Waiting>();
  /** What makes each statement's rows objects (src/db/sqliteRows.ts), by its name, from the columns the thread sent. */
  private readonly columns = new Map<string, RowMaker>();
  private nextId = 0;

  constructor(
    file: string,
    driver: string,
    private readonly onFailure: (reader: Reader) => void,
    private readonly onTimed: (name: string, us: number) => void,
  ) {
    this.worker = new Worker(READER_SOURCE, { eval: true, workerData: { file, driver } });
    // Held open only while it owes an answer: an idle reader never keeps a finished script alive.
    this.worker.unref();
    this.worker.on('message', (reply: string) => this.settle(JSON.parse(reply) as Reply));
    this.worker.on('error', (err) => this.fail(err instanceof Error ? err : new Error(`SQLite reader failed: ${JSON.stringify(err)}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`SQLite reader thread exited (code ${code})`)));
  }

  get waiting(): number {
    return this.pending.size;
  }

  send(method: Method, name: string, sql: string, params: readonly unknown[]): Promise<unknown> {
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, name, resolve, reject });
      // Once the thread has answered a statement it has it prepared: its text (often longer than all else) stays here.
      this.worker.postMessage([id, method, name, this.columns.has(name) ? undefined : sql, params]);
    });
  }

  async stop(): Promise<void> {
    this.fail(new Error('the database is closing'));
    await this.worker.terminate();
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('error' in reply) return waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    if (reply.columns) this.columns.set(waiting.name, rowMaker(reply.columns));
    this.onTimed(waiting.name, reply.us);
    const row = this.columns.get(waiting.name)!;
    if (waiting.method === 'get') waiting.resolve(reply.value === undefined ? undefined : row(reply.value as unknown[]));
    else waiting.resolve((reply.value as unknown[][]).map(row));
  }

  /** Rejects everything this reader owes and takes it out of the pool. */
  private fail(err: unknown): void {
    this.onFailure(this);
    const owed = [...this.pending.values()];
    this.pending.clear();
    this.worker.unref();
    for (const w of owed) w.reject(err);
  }
}
