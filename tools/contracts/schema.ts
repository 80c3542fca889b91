/**
 * The GraphQL schema as an artifact, and the gate that keeps it from breaking clients.
 *
 *   tsx tools/contracts/schema.ts print      writes schema.graphql (run by `npm run codegen`)
 *   tsx tools/contracts/schema.ts check      `npm run schema:check`: compares with the last release (schemaGate.ts);
 *                                            exit 1 on a breaking change CHANGELOG.md does not list
 *   tsx tools/contracts/schema.ts release    `npm run schema:release`: snapshots schema.graphql as today's release
 *                                            and dates the changelog's Unreleased section
 *
 * `check` takes `--schema <dir of *.graphql>`, `--released <file>` and `--changelog <file>` (the tests point them at
 * scratch copies).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printedSchema } from '../../src/graphql/schema.js';
import { checkSchema, latestRelease, report } from './schemaGate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCHEMA_FILE = join(ROOT, 'schema.graphql');
export const RELEASES = join(ROOT, 'schema/released');
export const CHANGELOG = join(ROOT, 'CHANGELOG.md');

const HEADER =
  '# The GraphQL schema as clients see it, printed from schema/*.graphql by `npm run codegen` (do not edit; CI\n' +
  '# checks it is current). Generate a client from it (README, "Generating a client"); what changes how: CHANGELOG.md.\n\n';

/** What schema.graphql must hold for the SDL in `dir` (schema/ unless told). */
export const schemaArtifact = (dir?: string) => HEADER + printedSchema(dir);

function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { schema: { type: 'string' }, released: { type: 'string' }, changelog: { type: 'string' } },
  });
  const command = positionals[0];
  if (command === 'print') {
    writeFileSync(SCHEMA_FILE, schemaArtifact());
  } else if (command === 'check') {
    const released = values.released ?? latestRelease(RELEASES);
    const changelog = values.changelog ?? CHANGELOG;
    const result = checkSchema({ released, current: printedSchema(values.schema), changelog });
    console.log(report(result, relative(ROOT, released) || released, relative(ROOT, changelog) || changelog));
    process.exitCode = result.unlisted.length ? 1 : 0;
  } else if (command === 'release') {
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(join(RELEASES, `${date}.graphql`), `# Released ${date}.\n\n` + printedSchema());
    const changelog = readFileSync(CHANGELOG, 'utf8');
    writeFileSync(CHANGELOG, changelog.replace(/^## Unreleased[ \t]*$/m, `## Unreleased\n\n### Breaking changes\n\n## ${date}`));
    console.log(`released schema/released/${date}.graphql; CHANGELOG.md: "Unreleased" is now "${date}"`);
  } else {
    console.error('usage: tsx tools/contracts/schema.ts print | check [--schema dir] [--released file] [--changelog file] | release');
    process.exitCode = 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
