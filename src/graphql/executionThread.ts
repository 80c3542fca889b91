/**
 * An execution thread (started by src/graphql/executionPool.ts): runs the queries the route's fast path hands it,
 * with the same schema, resolvers, loaders and SQL as the event loop, on a read-only SQLite connection of its own.
 * Node runs JavaScript on one core; with these threads a SQLite server executes queries on the others, while the
 * event loop keeps HTTP and admission (parse, validate, price, charge, refund) for every request.
 *
 * It receives only queries the event loop has admitted and charged, of documents Apollo has already served. It
 * answers each with its `data` as UTF-8 JSON and its actual cost, or with a failure (errors, a bad document):
 * the event loop then gives the charge back and lets Apollo run the query again and answer it, as it does for a
 * failed query of the fast path.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { getOperationAST, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { resolvers } from '../../resolvers/index.js';
import { createContext, type AppDeps, type Context } from '../context.js';
import { openSqliteReadOnly } from '../db/sqlite.js';
import { chargedActualCost, createRequestedCostMemo } from '../plugins/queryCost/memo.js';
import { loadTypeDefs } from './schema.js';
import { DOCUMENTS_MAX, type Answers, type Job, type Reply, type ThreadData } from './executionPool.js';

interface Known {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  compiled: CompiledQuery;
}

const { file, config, selections } = workerData as ThreadData;
const port = parentPort!;
const database = openSqliteReadOnly(file);
const schema = makeExecutableSchema<Context>({ typeDefs: loadTypeDefs(), resolvers });
const costs = createRequestedCostMemo(schema, selections);
const documents = new LRUCache<number, Known>({ max: DOCUMENTS_MAX });
const encoder = new TextEncoder();
/** Statements run since the last reply: each reply carries them, so the event loop's count stays whole. */
let counted = 0;

/**
 * A query never signs in, issues tokens, publishes or charges; the parts of the app for that live on the event loop,
 * and touching one here fails the query (the event loop then runs it). The response cache is off wherever threads run.
 */
function absent<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get() {
      throw new Error(`${what} is not available on an execution thread`);
    },
  });
}
const deps: AppDeps = {
  config,
  database,
  clock: Date.now,
  auth: absent('auth'),
  pubsub: absent('pubsub'),
  rateLimiter: absent('the rate limiter'),
  responseCache: null,
  stores: absent('the stores'),
};

function known(job: Job): Known | null {
  const [, id, text, operationName] = job;
  let entry = documents.get(id);
  if (entry) return entry;
  if (text === null) return null; // sent before and forgotten since: the event loop runs it and sends the text again
  const document = parse(text);
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation || operation.operation !== 'query') return null;
  const compiled = compileQuery(schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
  if (!isCompiledQuery(compiled)) return null;
  documents.set(id, (entry = { document, operation, compiled }));
  return entry;
}

async function execute(job: Job): Promise<Done | null> {
  const [, , , , variables, coerced, viewer, ip, requestId, requested] = job;
  const entry = known(job);
  if (!entry) return null;
  const ctx = createContext(deps, viewer, { ip, requestId });
  const result = await entry.compiled.query(undefined, ctx, variables ?? {});
  if (result.errors || !result.data) return null;
  const costing = costs.cost(entry.document, entry.operation, variables ?? undefined);
  costing.remember(coerced);
  const actual = chargedActualCost(costing, coerced, result.data, requested);
  return { actual, json: JSON.stringify(result.data) };
}

/** An executed query: its actual cost and its data as JSON. */
interface Done {
  actual: number;
  json: string;
}

/** Jobs finished in this turn (null: failed), answered together at its end (as the event loop sends its jobs). */
let finished: [number, Done | null][] = [];
/** When the thread started on what the next message answers: the pool learns from it how long a job takes here. */
let busySince = 0;

/**
 * A message's jobs run together, their statements in one read transaction (`snapshot`, src/db/sqlite.ts), and the
 * thread answers each message at the end of the turn that ran it, with the replies ready by then: the pool sends
 * its next message on that answer.
 */
port.on('message', (jobs: Job[]) => {
  if (busySince === 0) {
    busySince = performance.now();
    setImmediate(send);
  }
  database
    .snapshot(() =>
      Promise.all(
        jobs.map((job) =>
          execute(job).then(
            (done) => reply(job[0], done),
            () => reply(job[0], null),
          ),
        ),
      ),
    )
    // BEGIN or COMMIT failed: the jobs fail (the event loop runs them), not the thread. A job already answered is
    // answered twice; the pool keeps the first.
    .catch(() => jobs.forEach((job) => reply(job[0], null)));
});

function reply(id: number, done: Done | null): void {
  if (finished.length === 0 && busySince === 0) setImmediate(send); // a job that finished after its message's answer
  finished.push([id, done]);
}

/** The turn's replies, their data encoded into one buffer (one allocation a message, not one a reply). */
function send(): void {
  const statements = database.stats.statements - counted;
  counted += statements;
  const busyUs = busySince === 0 ? 0 : Math.round((performance.now() - busySince) * 1000);
  busySince = 0;
  let size = 0;
  for (const [, done] of finished) if (done) size += Buffer.byteLength(done.json);
  const bytes = new Uint8Array(size);
  let at = 0;
  const replies = finished.map(([id, done]): Reply => {
    if (!done) return [id];
    const start = at;
    at += encoder.encodeInto(done.json, bytes.subarray(at)).written;
    return [id, done.actual, start, at];
  });
  port.postMessage([statements, busyUs, replies, bytes] satisfies Answers, [bytes.buffer]);
  finished = [];
}

port.postMessage('ready');
