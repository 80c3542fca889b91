/**
 * The tests' side of the database, engine-agnostic: the seeded template every test server starts from, a fresh
 * database per server made from it, and raw SQL on a server's engine for fixtures and checks.
 * SQLite: the template is a seeded file and each server gets a copy.
 * PostgreSQL (the `postgres` test project): one private server per run (globalSetup), the template is a seeded
 * database on it, and each server gets `CREATE DATABASE … TEMPLATE` of it, dropped when the server closes.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { execute, queryColumn, queryRow, queryRows, queryValue } from '../../src/db/adhoc.js';
import type { Engine, Param } from '../../src/db/engine.js';
import { isPostgresUrl, openDatabase } from '../../src/db/index.js';
import { seedDatabase } from '../../seed/seed.js';

/** Small enough to seed in a second, large enough that every list has several pages. */
export const TEMPLATE_PRODUCTS = 400;

export interface Disposable<T> {
  value: T;
  dispose(): Promise<void>;
}

/**
 * Seeds the template once per test run; its value is what `databaseFromTemplate` takes. `postgresUrl` (a server's
 * maintenance database) makes it a PostgreSQL template database on that server.
 */
export async function createTemplate(postgresUrl?: string): Promise<Disposable<string>> {
  if (postgresUrl) return createPostgresTemplate(postgresUrl);
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-template-'));
  const path = join(dir, 'template.db');
  const engine = await openDatabase(path);
  await seedDatabase(engine, { products: TEMPLATE_PRODUCTS });
  await engine.close(); // the last connection to close checkpoints and removes the WAL: the file is complete
  return { value: path, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh database with the template's data; its value is a DATABASE_URL. */
export async function databaseFromTemplate(template: string): Promise<Disposable<string>> {
  if (isPostgresUrl(template)) return createPostgresDatabase(template, new URL(template).pathname.slice(1));
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-test-'));
  const file = join(dir, 'test.db');
  copyFileSync(template, file);
  return { value: file, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Raw SQL on an engine, for fixtures and checks. Write SQL both engines accept, with `?` placeholders. */
export interface Sql {
  rows<Row = Record<string, any>>(sql: string, ...params: Param[]): Promise<Row[]>;
  row<Row = Record<string, any>>(sql: string, ...params: Param[]): Promise<Row | undefined>;
  /** The first column of the first row. */
  value<V = any>(sql: string, ...params: Param[]): Promise<V>;
  /** The first column of every row. */
  column<V = any>(sql: string, ...params: Param[]): Promise<V[]>;
  /** Resolves to the number of rows changed. */
  run(sql: string, ...params: Param[]): Promise<number>;
}

export function sqlOn(engine: Engine): Sql {
  return {
    rows: (sql, ...params) => queryRows(engine, sql, params),
    row: (sql, ...params) => queryRow(engine, sql, params),
    value: (sql, ...params) => queryValue(engine, sql, params),
    column: (sql, ...params) => queryColumn(engine, sql, params),
    run: (sql, ...params) => execute(engine, sql, params),
  };
}

/**
 * A fresh, empty database (not migrated: opening it migrates) on this test project's engine; its value is a
 * DATABASE_URL.
 */
export async function emptyDatabase(): Promise<Disposable<string>> {
  const server = inject('postgresUrl');
  if (server) return createPostgresDatabase(server);
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-empty-'));
  return { value: join(dir, 'empty.db'), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** The engine this test project runs on. */
export const testEngine = (): 'sqlite' | 'postgres' => (inject('postgresUrl') ? 'postgres' : 'sqlite');

const TEMPLATE_NAME = 'bazaar_template';

async function createPostgresTemplate(serverUrl: string): Promise<Disposable<string>> {
  await admin(serverUrl, `CREATE DATABASE ${TEMPLATE_NAME}`);
  const url = withDatabase(serverUrl, TEMPLATE_NAME);
  const engine = await openDatabase(url);
  await seedDatabase(engine, { products: TEMPLATE_PRODUCTS });
  await engine.close();
  // Planner statistics travel with the copies (autovacuum is off on the test server).
  await admin(url, 'VACUUM ANALYZE');
  return { value: url, dispose: async () => admin(serverUrl, `DROP DATABASE IF EXISTS ${TEMPLATE_NAME} WITH (FORCE)`) };
}

let databases = 0;

/** A new database on the server of `url`: a copy of `template` when given, else empty. */
async function createPostgresDatabase(url: string, template?: string): Promise<Disposable<string>> {
  const name = `test_${process.pid}_${++databases}`;
  // FILE_COPY copies the template's files (cheap with fsync off) instead of WAL-logging every block.
  await admin(url, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${pg.escapeIdentifier(template)} STRATEGY FILE_COPY` : ''}`);
  return { value: withDatabase(url, name), dispose: () => admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Runs one statement on the server's maintenance database (CREATE/DROP DATABASE cannot run inside a database's own session). */
async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client(withDatabase(url, 'postgres'));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
