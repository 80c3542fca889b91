/**
 * The breaking-change gate: the schema as it is now against the last released one (graphql-js
 * `findBreakingChanges` / `findDangerousChanges`). A breaking change passes only when CHANGELOG.md lists it, with
 * a reason, under `## Unreleased` → `### Breaking changes`, one line each:
 *
 *     - `FIELD_REMOVED: Product.rating was removed.` — why, and what clients use instead.
 *
 * (the type and description exactly as the gate prints them). Dangerous changes (an enum value or an optional
 * argument added, a default changed…) never fail; they are printed for the changelog.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';

export interface Change {
  type: string;
  description: string;
}

export interface GateResult {
  /** Breaking changes the changelog lists, with the reason it gives. */
  accepted: (Change & { reason: string })[];
  /** Breaking changes it does not list: the gate fails. */
  unlisted: Change[];
  dangerous: Change[];
  /** Listed in the changelog but not (or no longer) a change: a reminder to tidy. */
  stale: string[];
  /** Fields, arguments, input fields or enum values removed that the released schema had not deprecated. */
  undeprecatedRemovals: string[];
  /** Deprecated now but not in the release: each belongs in the changelog's Deprecated table, with a sunset. */
  newlyDeprecated: string[];
}

/** `TYPE: description`, the key a changelog line names a change by. */
export const keyOf = (c: Change) => `${c.type}: ${c.description}`;

/** The newest snapshot in a folder of released schemas named by date (`2026-11-30.graphql`). */
export function latestRelease(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();
  if (!files.length) throw new Error(`no released schema in ${dir}`);
  return join(dir, files[files.length - 1]!);
}

/** The accepted breaking changes of the changelog's `## Unreleased` section: key → reason. */
export function acceptedChanges(changelog: string): Map<string, string> {
  const unreleased = /^## Unreleased\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(changelog)?.[1] ?? '';
  const breaking = /^### Breaking changes\s*$([\s\S]*?)(?=^##|(?![\s\S]))/m.exec(unreleased)?.[1] ?? '';
  const accepted = new Map<string, string>();
  for (const line of breaking.split('\n')) {
    const m = /^- `([A-Z_]+: [^`]+)`\s*[—–:-]\s*(\S.*)$/.exec(line.trim());
    if (m) accepted.set(m[1]!, m[2]!.trim());
  }
  return accepted;
}

export function compareSchemas(released: GraphQLSchema, current: GraphQLSchema, changelog: string): GateResult {
  const accepted = acceptedChanges(changelog);
  const breaking = findBreakingChanges(released, current);
  const result: GateResult = { accepted: [], unlisted: [], dangerous: [], stale: [], undeprecatedRemovals: [], newlyDeprecated: [] };
  for (const change of breaking) {
    const reason = accepted.get(keyOf(change));
    if (reason) result.accepted.push({ ...change, reason });
    else result.unlisted.push(change);
    const removed = removedCoordinate(change);
    if (removed && !wasDeprecated(released, removed)) result.undeprecatedRemovals.push(removed);
  }
  result.dangerous = findDangerousChanges(released, current);
  const seen = new Set(breaking.map(keyOf));
  result.stale = [...accepted.keys()].filter((k) => !seen.has(k));
  const before = new Set(deprecatedIn(released));
  result.newlyDeprecated = deprecatedIn(current).filter((c) => !before.has(c));
  return result;
}

/** Reads the files and compares. */
export function checkSchema(opts: { released: string; current: string; changelog: string }): GateResult {
  return compareSchemas(buildSchema(readFileSync(opts.released, 'utf8')), buildSchema(opts.current), readFileSync(opts.changelog, 'utf8'));
}

/** The report the CLI prints. */
export function report(r: GateResult, released: string, changelog: string): string {
  const lines = [`Schema compared with the released ${released}:`];
  const list = (title: string, items: string[]) => {
    if (items.length) lines.push(`  ${title}:`, ...items.map((i) => `    ${i}`));
  };
  list('breaking, accepted in the changelog', r.accepted.map((c) => `${keyOf(c)} (${c.reason})`));
  list('BREAKING, NOT LISTED (fails)', r.unlisted.map(keyOf));
  list('removed without a deprecation in the released schema first (deprecate, release, then remove)', r.undeprecatedRemovals);
  list('dangerous (clients may need to handle something new)', r.dangerous.map(keyOf));
  list('deprecated since the release (list each in the changelog, with its sunset)', r.newlyDeprecated);
  list(`listed in ${changelog} but not a change against the release`, r.stale);
  if (!r.accepted.length && !r.unlisted.length && !r.dangerous.length) lines.push('  no breaking or dangerous changes.');
  if (r.unlisted.length) {
    lines.push(
      '',
      `To ship a breaking change on purpose, list it under "## Unreleased" → "### Breaking changes" in ${changelog}:`,
      ...r.unlisted.map((c) => `- \`${keyOf(c)}\` — why, and what clients use instead.`),
    );
  }
  return lines.join('\n');
}

/** Every deprecated field, argument, input field and enum value of a schema, as schema coordinates. */
function deprecatedIn(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const f of Object.values(type.getFields())) {
        if (f.deprecationReason != null) out.push(`${type.name}.${f.name}`);
        for (const a of f.args) if (a.deprecationReason != null) out.push(`${type.name}.${f.name}(${a.name}:)`);
      }
    } else if (isInputObjectType(type)) {
      for (const f of Object.values(type.getFields())) if (f.deprecationReason != null) out.push(`${type.name}.${f.name}`);
    } else if (isEnumType(type)) {
      for (const v of type.getValues()) if (v.deprecationReason != null) out.push(`${type.name}.${v.name}`);
    }
  }
  return out;
}

/** `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `Input.field` named by a removal, when it is one. */
function removedCoordinate(c: Change): string | null {
  if (c.type === 'FIELD_REMOVED' || c.type === 'VALUE_REMOVED_FROM_ENUM') {
    const m = /^(\w+)\.(\w+) was removed/.exec(c.description) ?? /^(\w+) was removed from enum type (\w+)/.exec(c.description);
    if (!m) return null;
    return c.type === 'VALUE_REMOVED_FROM_ENUM' ? `${m[2]}.${m[1]}` : `${m[1]}.${m[2]}`;
  }
  if (c.type === 'ARG_REMOVED') {
    const m = /^(\w+)\.(\w+) arg (\w+) was removed/.exec(c.description);
    return m ? `${m[1]}.${m[2]}(${m[3]}:)` : null;
  }
  return null;
}

function wasDeprecated(schema: GraphQLSchema, coordinate: string): boolean {
  const arg = /^(\w+)\.(\w+)\((\w+):\)$/.exec(coordinate);
  const [typeName, member] = coordinate.split('.') as [string, string];
  const type = schema.getType(arg ? arg[1]! : typeName) as any;
  if (!type) return false;
  if (arg) return type.getFields?.()[arg[2]!]?.args.find((a: any) => a.name === arg[3])?.deprecationReason != null;
  if (type.getValue) return type.getValue(member)?.deprecationReason != null;
  return type.getFields?.()[member]?.deprecationReason != null;
}
