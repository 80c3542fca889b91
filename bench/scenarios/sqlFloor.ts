/**
 * The SQL floor of a page: the very statements the fastest peer runs for one request (its prepared texts and
 * parameters, recorded while graphql-js executes the page over the peer's resolvers and DataLoader), run back to
 * back on one better-sqlite3 connection in a process of their own, over and over. No HTTP, no GraphQL, no
 * DataLoader: what SQLite alone costs a request with the best SQL there is here, which every server in the report
 * pays on top of what it does itself. With the ceiling's CPU a request (HTTP alone), it tells how much room a
 * target leaves for a GraphQL server's own work (bench/report.ts).
 *
 * As a process: `node --import tsx bench/scenarios/sqlFloor.ts '<SqlFloorSpec as JSON>'` prints SqlFloorResult[].
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { makeExecutableSchema } from '@graphql-tools/schema';
import BetterSqlite3 from 'better-sqlite3';
import { execute, parse } from 'graphql';
import { productPage } from '../../compare/screens.js';
import { openPeerData } from '../peers/data.js';
import { resolvers, typeDefs } from '../peers/schema.js';
import { ROOT } from '../server.js';
import { CATEGORY_QUERY } from './http.js';

export interface SqlFloorSpec {
  file: string;
  productId: string;
  categoryId: string;
  /** How long each page's statements are replayed, in ms, after as long a warm-up. */
  ms: number;
}

export interface SqlFloorResult {
  page: 'product' | 'category';
  statements: number;
  /** SQLite's time for one request's statements, back to back, each its own transaction as servers run them, in µs. */
  us: number;
  /** The same inside one read transaction (BEGIN … COMMIT around them): SQLite's lower bound for the page. */
  inOneTransactionUs: number;
}

export async function measureSqlFloor(spec: SqlFloorSpec): Promise<SqlFloorResult[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/scenarios/sqlFloor.ts', JSON.stringify(spec)], { cwd: ROOT });
  return JSON.parse(stdout) as SqlFloorResult[];
}

/** The statements one request for `query` runs on the peer, in order. */
async function record(file: string, query: string, variables: Record<string, unknown>): Promise<{ sql: string; params: unknown[] }[]> {
  const ran: { sql: string; params: unknown[] }[] = [];
  const data = openPeerData(file, (sql, params) => ran.push({ sql, params }));
  try {
    const schema = makeExecutableSchema({ typeDefs, resolvers: resolvers(data) as never });
    const result = await execute({ schema, document: parse(query), variableValues: variables, contextValue: { loaders: data.loaders() } });
    if (result.errors?.length) throw new Error(`the peer's answer has errors: ${result.errors[0]!.message}`);
    return ran;
  } finally {
    data.close();
  }
}

/** µs a request, the median of 5 runs after a warm-up. */
function replay(file: string, statements: { sql: string; params: unknown[] }[], ms: number, oneTransaction: boolean): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const prepared = statements.map((s) => ({ statement: db.prepare(s.sql), params: s.params }));
    const [begin, commit] = [db.prepare('BEGIN'), db.prepare('COMMIT')];
    const once = () => {
      if (oneTransaction) begin.run();
      for (const p of prepared) p.statement.all(...p.params);
      if (oneTransaction) commit.run();
    };
    const timed = (until: number) => {
      let n = 0;
      const started = performance.now();
      while (performance.now() < until) {
        once();
        n++;
      }
      return ((performance.now() - started) * 1000) / n;
    };
    timed(performance.now() + ms); // warm-up
    const runs = Array.from({ length: 5 }, () => timed(performance.now() + ms / 5));
    return runs.sort((a, b) => a - b)[2]!;
  } finally {
    db.close();
  }
}

async function run(spec: SqlFloorSpec): Promise<SqlFloorResult[]> {
  const product = productPage(spec.productId);
  const pages = [
    { page: 'product' as const, query: product.query, variables: product.variables },
    { page: 'category' as const, query: CATEGORY_QUERY, variables: { categoryId: spec.categoryId } },
  ];
  const out: SqlFloorResult[] = [];
  for (const p of pages) {
    const statements = await record(spec.file, p.query, p.variables);
    out.push({
      page: p.page,
      statements: statements.length,
      us: replay(spec.file, statements, spec.ms, false),
      inOneTransactionUs: replay(spec.file, statements, spec.ms, true),
    });
  }
  return out;
}

if (import.meta.filename === process.argv[1]) {
  process.stdout.write(JSON.stringify(await run(JSON.parse(process.argv[2]!) as SqlFloorSpec)));
}
