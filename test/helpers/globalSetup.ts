/**
 * Seeds one small catalog per test run into a template file; every test server starts from a copy of it, so
 * each gets a fresh database without paying for seeding (and the demo accounts' scrypt hashes) again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/index.js';
import { seedDatabase } from '../../seed/seed.js';

/** Small enough to seed in a second, large enough that every list has several pages. */
export const TEMPLATE_PRODUCTS = 400;

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'bazaar-template-'));
  const path = join(dir, 'template.db');
  const database = openDatabase(path);
  await seedDatabase(database, { products: TEMPLATE_PRODUCTS });
  database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  database.close();
  project.provide('templateDb', path);
  return () => rmSync(dir, { recursive: true, force: true });
}
