/**
 * What `npm start` runs, read from package.json's `start` script, so the benchmarks, the comparison and the start
 * test run the server exactly as a user does: `node <flags> dist/src/main.js`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** `npm start`'s command as it runs the server: `node <flags> dist/src/main.js` (for the reports' prose). */
export function startCommand(): string {
  return ['node', ...startFlags(), 'dist/src/main.js'].join(' ');
}

/** The node flags of `npm start` (everything between `node` and the entry point): `--v8-pool-size=0` today. */
export function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = scripts.start.trim().split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/src/main.js') throw new Error(`npm start is not "node [flags] dist/src/main.js": ${scripts.start}`);
  return words.slice(1, -1);
}
