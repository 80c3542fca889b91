/**
 * The GraphQL schema as an artifact and the gate that keeps it from breaking clients: `schema.graphql` is the
 * printed schema of schema/*.graphql, every argument and input field is described, the schema passes the
 * breaking-change gate against the last release, and the gate itself fails on a deliberate breaking change in a
 * scratch copy of the SDL until the changelog lists it with a reason.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { buildSchema, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../src/graphql/schema.js';
import { CHANGELOG, RELEASES, SCHEMA_FILE, schemaArtifact } from '../tools/contracts/schema.js';
import { acceptedChanges, checkSchema, latestRelease } from '../tools/contracts/schemaGate.js';
import { printedSchema } from '../src/graphql/schema.js';

const scratch = mkdtempSync(join(tmpdir(), 'bazaar-schema-gate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('schema.graphql', () => {
  it('is the printed schema of schema/*.graphql (run `npm run codegen` after an SDL change)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaArtifact());
  });

  it('builds, and describes every type, field, argument and input field', () => {
    const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
    const blank: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) blank.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) blank.push(`${type.name}.${field.name}`);
          for (const arg of field.args) if (!arg.description) blank.push(`${type.name}.${field.name}(${arg.name}:)`);
        }
      }
      if (isInputObjectType(type)) for (const f of Object.values(type.getFields())) if (!f.description) blank.push(`${type.name}.${f.name}`);
    }
    expect(blank).toEqual([]);
  });

  it('deprecates with a reason naming the replacement, and the replacement exists', () => {
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
    for (const name of ['Product', 'Seller'] as const) {
      const fields = (schema.getType(name) as any).getFields();
      expect(fields.rating.deprecationReason).toMatch(/^Use `averageRating`/);
      expect(fields.averageRating.type.toString()).toBe(fields.rating.type.toString());
    }
  });
});

describe('the breaking-change gate (npm run schema:check)', () => {
  it('passes on the schema as it is, against the last release and CHANGELOG.md', () => {
    const result = checkSchema({ released: latestRelease(RELEASES), current: printedSchema(), changelog: CHANGELOG });
    expect(result.unlisted).toEqual([]);
    expect(result.stale).toEqual([]);
    // Every deprecation since the release is announced in the changelog's Unreleased section.
    const unreleased = readFileSync(CHANGELOG, 'utf8').split(/^## Unreleased/m)[1]!.split(/^## /m)[0]!;
    for (const coordinate of result.newlyDeprecated) expect(unreleased, coordinate).toContain(`\`${coordinate}\``);
  });

  it('fails on a breaking change in a scratch copy of the SDL, prints dangerous ones, passes once the change is listed', async () => {
    const dir = join(scratch, 'schema');
    cpSync(join(process.cwd(), 'schema'), dir, { recursive: true });
    const catalog = join(dir, 'catalog.graphql');
    const sdl = readFileSync(catalog, 'utf8');
    // Breaking: a field clients may select is gone. Dangerous: a new enum value old clients may not handle.
    const broken = sdl.replace(/^ {2}"A URL-safe name, unique\."\n {2}slug: String!\n/m, '').replace(/^ {2}RATING_ASC\n/m, '  RATING_ASC\n  "Most helpful first."\n  HELPFUL\n');
    expect(broken).not.toContain('slug: String!');
    writeFileSync(catalog, broken);
    const changelog = join(scratch, 'CHANGELOG.md');
    writeFileSync(changelog, readFileSync(CHANGELOG, 'utf8'));

    const failed = await gate(dir, changelog);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain('BREAKING, NOT LISTED (fails):\n    FIELD_REMOVED: Category.slug was removed.');
    expect(failed.output).toContain('removed without a deprecation in the released schema first');
    expect(failed.output).toContain('VALUE_ADDED_TO_ENUM: HELPFUL was added to enum type ReviewSort.');
    const suggestion = failed.output.split('\n').find((l) => l.startsWith('- `FIELD_REMOVED: Category.slug'))!;
    expect(suggestion).toBeDefined();

    // Listing it without a reason is not enough; with one, the gate passes and says it was accepted.
    const listed = (line: string) =>
      readFileSync(CHANGELOG, 'utf8').replace(/(## Unreleased\s+### Breaking changes\s+)/, `$1${line}\n`);
    writeFileSync(changelog, listed('- `FIELD_REMOVED: Category.slug was removed.`'));
    expect((await gate(dir, changelog)).code).toBe(1);
    writeFileSync(changelog, listed('- `FIELD_REMOVED: Category.slug was removed.` — slugs moved to the web app; use `id`.'));
    expect(acceptedChanges(readFileSync(changelog, 'utf8')).size).toBe(1);
    const passed = await gate(dir, changelog);
    expect([passed.code, passed.output]).toEqual([0, expect.stringContaining('breaking, accepted in the changelog')]);
    expect(passed.output).toContain('slugs moved to the web app');
  }, 180_000);
});

/** Runs `npm run schema:check`'s command on a schema folder and a changelog; its exit code and output. */
async function gate(dir: string, changelog: string): Promise<{ code: number; output: string }> {
  const args = ['--import', 'tsx', 'tools/contracts/schema.ts', 'check', '--schema', dir, '--changelog', changelog];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 60_000 });
    return { code: 0, output: stdout };
  } catch (err: any) {
    return { code: err.code ?? -1, output: `${err.stdout}${err.stderr}` };
  }
}
