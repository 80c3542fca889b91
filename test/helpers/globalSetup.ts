/**
 * Seeds one small catalog per test run into a template; every test server starts from a fresh database made from
 * it (test/helpers/db.ts), so each gets its own data without paying for seeding (and the demo accounts' scrypt
 * hashes) again.
 */
import type { TestProject } from 'vitest/node';
import { createTemplate } from './db.js';

export { TEMPLATE_PRODUCTS } from './db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

export default async function setup(project: TestProject) {
  const template = await createTemplate();
  project.provide('templateDb', template.value);
  return () => template.dispose();
}
