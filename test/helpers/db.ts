/**
 * The tests' side of the database, engine-agnostic: the seeded template every test server starts from, a fresh
 * database per server made from it, and raw SQL on a server's engine for fixtures and checks. SQLite: the template
 * is a seeded file and each server gets a copy. (A PostgreSQL branch, a database per file from a template database,
 * goes beside each SQLite one.)
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, queryColumn, queryRow, queryRows, queryValue } from '../../src/db/adhoc.js';
import type { Engine, Param } from '../../src/db/engine.js';
import { openDatabase } from '../../src/db/index.js';
import { seedDatabase } from '../../seed/seed.js';

/** Small enough to seed in a second, large enough that every list has several pages. */
export const TEMPLATE_PRODUCTS = 400;

export interface Disposable<T> {
  value: T;
  dispose(): Promise<void>;
}

/** Seeds the template once per test run; its value is what `databaseFromTemplate` takes. */
export async function createTemplate(): Promise<Disposable<string>> {
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-template-'));
  const path = join(dir, 'template.db');
  const engine = await openDatabase(path);
  await seedDatabase(engine, { products: TEMPLATE_PRODUCTS });
  await engine.close(); // the last connection to close checkpoints and removes the WAL: the file is complete
  return { value: path, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh database with the template's data; its value is a DATABASE_URL. */
export async function databaseFromTemplate(template: string): Promise<Disposable<string>> {
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
