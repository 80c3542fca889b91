/**
 * Every limit the query guard enforces, and the refusal each one gives: `QUERY_TOO_COMPLEX` with `extensions.limit`
 * naming it, `extensions.max` its value and `extensions[limit]` what the query came to.
 */
import type { GraphQLError } from 'graphql';
import type { Config } from '../../config/index.js';
import { QueryTooComplexError } from '../../errors.js';
import type { Shape } from './shape.js';

export interface QueryLimits {
  /** Cost points per request (a batch's operations together). @default MAX_QUERY_COST, 1000 */
  cost: number;
  /** Levels of field nesting. @default MAX_QUERY_DEPTH, 12 */
  depth: number;
  /** Aliased fields per operation, fragments expanded. @default 50 */
  aliases: number;
  /** Directives on one field or fragment. @default 10 */
  directives: number;
  /** Lexical tokens per document; the parser stops at the next one. @default 10_000 */
  tokens: number;
  /** Field selections per operation once fragments are expanded; past it a query is too large to cost. @default 10_000 */
  selections: number;
  /** Operations per HTTP request. @default 10 */
  batch: number;
  /** Mutations that check or hash a password (`logIn`, `signUp`) per HTTP request, a batch's together. @default 1 */
  passwordChecks: number;
}

/** The limits the contract fixes (no setting changes them). */
export const FIXED_LIMITS = { aliases: 50, directives: 10, tokens: 10_000, selections: 10_000, batch: 10, passwordChecks: 1 } as const;

export function queryLimits(config: Config): QueryLimits {
  return { ...FIXED_LIMITS, cost: config.maxQueryCost, depth: config.maxQueryDepth };
}

/** The first shape limit an operation breaks, if any. */
export function shapeRefusal(shape: Shape, limits: QueryLimits): QueryTooComplexError | undefined {
  if (shape.depth > limits.depth) {
    return new QueryTooComplexError(
      `The query nests ${shape.depth} levels deep; the limit is ${limits.depth}.`,
      'depth',
      limits.depth,
      shape.depth,
    );
  }
  if (shape.aliases > limits.aliases) {
    return new QueryTooComplexError(
      `The query uses ${shape.aliases} aliases; the limit is ${limits.aliases}.`,
      'aliases',
      limits.aliases,
      shape.aliases,
    );
  }
  if (shape.directives > limits.directives) {
    return new QueryTooComplexError(
      `A field of the query carries ${shape.directives} directives; the limit is ${limits.directives}.`,
      'directives',
      limits.directives,
      shape.directives,
    );
  }
  return undefined;
}

export function selectionsRefusal(limits: QueryLimits): QueryTooComplexError {
  return new QueryTooComplexError(
    `The query expands to more than ${limits.selections} field selections once its fragments are spread; ` +
      'it is too large to cost.',
    'selections',
    limits.selections,
  );
}

export function costRefusal(total: number, limits: QueryLimits, operations: number): QueryTooComplexError {
  const what = operations > 1 ? `The ${operations} operations of this request cost ${total} points together` : `The query costs ${total} points`;
  return new QueryTooComplexError(`${what}; the limit is ${limits.cost}.`, 'cost', limits.cost, total);
}

/** graphql-js's parser stops at `maxTokens` with a syntax error; it is a limit, so it is reported as one. */
// graphql 16 says "more that N tokens"; 17 fixes the typo.
const TOKEN_LIMIT = /Document contains more (?:than|that) \d+ tokens/;

export function tokenRefusal(errors: readonly GraphQLError[] | undefined, limits: QueryLimits): QueryTooComplexError | undefined {
  if (!errors?.some((e) => TOKEN_LIMIT.test(e.message))) return undefined;
  return new QueryTooComplexError(
    `The document has more than ${limits.tokens} tokens; it was not parsed.`,
    'tokens',
    limits.tokens,
  );
}

/** The root mutation fields that run the password KDF. */
export const PASSWORD_MUTATIONS: ReadonlySet<string> = new Set(['logIn', 'signUp']);

export function passwordChecksRefusal(count: number, limits: QueryLimits): QueryTooComplexError {
  return new QueryTooComplexError(
    `A request may check or set at most ${limits.passwordChecks} password (logIn, signUp); this one asks for ${count}.`,
    'passwordChecks',
    limits.passwordChecks,
    count,
  );
}
