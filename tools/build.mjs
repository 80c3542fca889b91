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
// Built beside dist/ and swapped in at the end, so a server already running from dist/ never sees half a build.
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
rmSync(OUT, { recursive: true, force: true });
renameSync(TMP, OUT);
if (!process.argv.includes('--quiet')) {
  process.stderr.write(`compiled ${code.length} modules to dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
