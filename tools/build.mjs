/**
 * `npm run build` (and `npm start`'s prestart): compiles the server's TypeScript to JavaScript under `dist/`, one
 * file per module in the same folders (esbuild, no bundling, about a second), and copies every other file those
 * folders hold (migrations, SQL) plus `schema/` beside them, so paths resolved from `import.meta.url` find the same
 * files as under tsx. Production runs `node dist/src/main.js`: no TypeScript loader hook on the hot path.
 * Plain JavaScript, so it runs on a fresh clone before anything is compiled.
 */
import { build } from 'esbuild';
import { cpSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist');
/** Folders with code the server (or a benchmark peer) runs. */
const CODE = ['src', 'resolvers', 'loaders', 'seed', 'bench/peers'];
/** Folders read at run time as they are. */
const ASSETS = ['schema'];

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });

const started = performance.now();
// Built beside dist/ and swapped in at the end (below), so a server already running from dist/ never sees half a build.
const TMP = join(ROOT, `.dist-${process.pid}`);
const all = CODE.flatMap((dir) => files(join(ROOT, dir)));
const code = all.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
await build({
  entryPoints: code,
  outbase: ROOT,
  outdir: TMP,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const file of all.filter((f) => !f.endsWith('.ts'))) cpSync(file, join(TMP, relative(ROOT, file)));
for (const dir of ASSETS) cpSync(join(ROOT, dir), join(TMP, dir), { recursive: true });
// Two renames, then the delete: dist/ is missing only between two syscalls, never while the old tree is deleted file
// by file (a server another build just started would fail to import then). Two builds at once (the test projects
// run in parallel) made the same files from the same sources: when the other one's is already in place, keep it.
const OLD = join(ROOT, `.dist-old-${process.pid}`);
try {
  renameSync(OUT, OLD);
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
}
try {
  renameSync(TMP, OUT);
} catch (err) {
  if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
  rmSync(TMP, { recursive: true, force: true });
}
rmSync(OLD, { recursive: true, force: true });
if (!process.argv.includes('--quiet')) {
  process.stderr.write(`compiled ${code.length} modules to dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
