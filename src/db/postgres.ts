/**
 * The PostgreSQL engine: node-postgres (`pg`) behind the `Engine` seam of `./engine.ts`.
 *
 * - One `Pool`; statements outside a transaction take any idle connection, a transaction holds one until it ends.
 * - Each `Statement` is rewritten once (`?` → `$1…$n`) and sent as a named prepared statement, so every pooled
 *   connection parses and plans it once and afterwards only binds and executes it.
 * - `bigint` and `numeric` values arrive as JS numbers (ids, paise and epoch-ms timestamps stay below 2^53).
 * - Driver errors become the data layer's typed ones: 23505 is `UniqueViolation`, a lost or refused connection
 *   (or a pool that cannot hand one out in time) is `DatabaseUnavailable`.
 * - Migrations (drizzle's pg migrator) and the first seed run under a session advisory lock, so instances that
 *   start together on an empty database migrate and seed once while the others wait (`withSetupLock`).
 */
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Engine, Param, Queryable, SqlStats, Statement } from './engine.js';
import { DatabaseUnavailable, UniqueViolation } from './errors.js';

export interface PostgresOptions {
  /** Connections in the pool. @default 10 */
  max?: number;
  /**
   * How long a statement waits for a pooled connection (a free one, or a new one being opened) before
   * `DatabaseUnavailable`. Generous: under a burst, requests queue for the pool's connections; a refused connection
   * fails at once anyway. @default 30_000 ms
   */
  connectionTimeoutMillis?: number;
  /** Apply pending migrations (under the setup lock) before resolving. @default true */
  migrate?: boolean;
  /** Called for every statement executed (metrics). */
  onStatement?: () => void;
}

export interface PostgresEngine extends Engine {
  /**
   * Runs `fn` while holding the cluster-wide setup lock (a session advisory lock on its own connection): at most
   * one instance migrates or seeds at a time, and the others block here until it is done.
   */
  withSetupLock<T>(fn: () => Promise<T>): Promise<T>;
  readonly pool: pg.Pool;
}

const MIGRATIONS = fileURLToPath(new URL('./pg/migrations', import.meta.url));

/** Any bigint: the key of `pg_advisory_lock` held while migrating and seeding ("bazaar" in ASCII). */
const SETUP_LOCK = 0x62617a616172;

const INT8 = 20;
const NUMERIC = 1700;
const toNumber = (v: string) => Number(v);

/** Per pool, not global: `pg.types` is shared with every other user of the module. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? toNumber : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresEngine> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 30_000,
    types,
  });
  // An idle connection that the server drops (restart, failover) is reported here; the next query reconnects.
  pool.on('error', () => {});

  const stats: SqlStats = { statements: 0 };
  const count = () => {
    stats.statements++;
    options.onStatement?.();
  };

  let closed = false;
  /** The same words as SQLite's driver: a statement on a closed database is a programming error, not an outage. */
  const notOpen = () => new Error('database connection is not open');

  async function execute(client: pg.Pool | pg.PoolClient, st: Statement<unknown>, params: readonly Param[] = []) {
    if (closed) throw notOpen();
    const { name, text } = prepared(st);
    count();
    try {
      return await client.query({ name, text, values: params.map(toPg) });
    } catch (err) {
      throw translate(err);
    }
  }

  const on = (client: pg.Pool | pg.PoolClient): Queryable => ({
    dialect: 'postgres',
    async all<Row>(st: Statement<Row>, params?: readonly Param[]) {
      const { rows } = await execute(client, st, params);
      return st.map ? rows.map(st.map) : (rows as Row[]);
    },
    async get<Row>(st: Statement<Row>, params?: readonly Param[]) {
      const row = (await execute(client, st, params)).rows[0];
      return row === undefined ? undefined : st.map ? st.map(row) : (row as Row);
    },
    async run(st: Statement<unknown>, params?: readonly Param[]) {
      return (await execute(client, st, params)).rowCount ?? 0;
    },
  });

  async function transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (closed) throw notOpen();
    const client = await connect(pool);
    let broken: Error | undefined;
    // BEGIN, COMMIT and ROLLBACK are counted as statements, as the SQLite engine counts its own.
    try {
      count();
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      const result = await fn(on(client));
      count();
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        count();
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = rollbackErr as Error; // the connection is gone: the pool must not hand it out again
      }
      throw translate(err);
    } finally {
      client.release(broken);
    }
  }

  async function withSetupLock<T>(fn: () => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url, types });
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock($1)', [SETUP_LOCK]);
    } catch (err) {
      await client.end().catch(() => {});
      throw translate(err);
    }
    try {
      return await fn();
    } finally {
      // Ending the session releases its advisory locks too; the unlock just says so explicitly.
      await client.query('SELECT pg_advisory_unlock($1)', [SETUP_LOCK]).catch(() => {});
      await client.end().catch(() => {});
    }
  }

  const engine: PostgresEngine = {
    ...on(pool),
    stats,
    pool,
    transaction,
    withSetupLock,
    async ping() {
      if (closed) throw notOpen();
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        throw translate(err);
      }
    },
    /** Waits for checked-out connections to come back, then ends them; a second call does nothing. */
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };

  if (options.migrate ?? true) {
    try {
      await withSetupLock(() => migrateOn(url));
    } catch (err) {
      await pool.end();
      throw err;
    }
  }
  return engine;
}

/** drizzle's pg migrator on a connection of its own (it runs every pending migration in one transaction). */
async function migrateOn(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The migrator's "schema already exists" notices are noise on every start after the first.
    await client.query(`SET client_min_messages = warning`);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } catch (err) {
    throw translate(err);
  } finally {
    await client.end().catch(() => {});
  }
}

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw translate(err);
  }
}

/** A Statement's PostgreSQL form, computed once per Statement object. */
const preparedTexts = new WeakMap<Statement<unknown>, { name: string; text: string }>();
let preparedCount = 0;

function prepared(st: Statement<unknown>): { name: string; text: string } {
  let p = preparedTexts.get(st);
  if (!p) {
    const source = typeof st.sql === 'string' ? st.sql : st.sql.postgres;
    // PostgreSQL cuts names at 63 bytes; the counter keeps two long names with one prefix apart.
    p = { name: `${st.name.slice(0, 48)}_${++preparedCount}`, text: toNumbered(source) };
    preparedTexts.set(st, p);
  }
  return p;
}

/**
 * `?` placeholders to `$1…$n`, leaving question marks inside string literals, quoted identifiers, dollar-quoted
 * bodies and comments alone.
 */
export function toNumbered(sql: string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end);
      i = end - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = sql.slice(i).match(/^\$[A-Za-z_]*\$/)![0];
      const end = sql.indexOf(tag, i + tag.length);
      const stop = end === -1 ? sql.length : end + tag.length;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** The index just past the literal that opens at `start` (a doubled quote is an escaped quote). */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const j = sql.indexOf(quote, i);
    if (j === -1) return sql.length;
    if (sql[j + 1] === quote) i = j + 2;
    else return j + 1;
  }
}

/** Id lists go as one array literal (`= ANY(?)` compares with int8[]); everything else as node-postgres sends it. */
function toPg(value: Param): unknown {
  return Array.isArray(value) ? `{${value.join(',')}}` : value;
}

/** SQLSTATE classes and driver errors that mean "no usable connection", not "this statement is wrong". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN']);

function translate(err: unknown): unknown {
  if (err instanceof UniqueViolation || err instanceof DatabaseUnavailable) return err;
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code === '23505') return new UniqueViolation(e.constraint);
  if (e?.code && (UNAVAILABLE_CODES.has(e.code) || /^(08|57P|53300)/.test(e.code))) return new DatabaseUnavailable(err);
  // node-postgres reports a dropped connection or a pool timeout with a message and no code.
  if (!e?.code && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e?.message ?? '')) {
    return new DatabaseUnavailable(err);
  }
  return err;
}
