/** The SDL in schema/*.graphql is the single source of the types; it is read once at start. */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { printSchema } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));

/** The SDL files of a folder (schema/ unless told), in name order. */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  const folder = dir.endsWith('/') ? dir : `${dir}/`;
  return readdirSync(folder)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(folder + f, 'utf8'));
}

/**
 * The schema as clients see it, printed (graphql-js `printSchema`: descriptions and `@deprecated` kept, the
 * server's own directives declared but not applied): what `schema.graphql` at the root holds.
 */
export function printedSchema(dir = SCHEMA_DIR): string {
  return printSchema(makeExecutableSchema({ typeDefs: loadTypeDefs(dir) })) + '\n';
}
