import { GraphQLScalarType, Kind } from 'graphql';
import { BadUserInputError } from '../src/errors.js';
import { isoTimestamp } from '../src/timestamps.js';

/** Stored as epoch milliseconds; always written as ISO-8601 UTC. */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 timestamp in UTC.',
  serialize: (value) => (typeof value === 'number' ? isoTimestamp(value) : new Date(value as string | Date).toISOString()),
  parseValue: (value) => parse(value),
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : null),
});

function parse(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new BadUserInputError('A DateTime must be an ISO-8601 string.');
  return ms;
}
