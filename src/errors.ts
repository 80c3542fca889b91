/**
 * Every error a client can see is one of these classes; each sets `extensions.code` (the contract's codes) and the
 * HTTP status a REST client gets for it. `src/graphql/formatError.ts` masks anything else.
 */
import { GraphQLError } from 'graphql';

export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  OUT_OF_STOCK = 'OUT_OF_STOCK',
  CONFLICT = 'CONFLICT',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  RATE_LIMITED = 'RATE_LIMITED',
  PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND',
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** The HTTP status each code maps to (REST shim, and GraphQL where the contract asks for one). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  OUT_OF_STOCK: 422,
  CONFLICT: 409,
  QUERY_TOO_COMPLEX: 400,
  RATE_LIMITED: 429,
  PERSISTED_QUERY_NOT_FOUND: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export class ApiError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
    this.name = new.target.name;
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

/** Bad arguments. `field` names the offending argument or input field, when there is one. */
export class BadUserInputError extends ApiError {
  constructor(message: string, field?: string) {
    super(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
  }
}

export class UnauthenticatedError extends ApiError {
  constructor(message = 'You must be signed in to do this.', extensions: Record<string, unknown> = {}) {
    super(ErrorCode.UNAUTHENTICATED, message, extensions);
  }
}

/** A bad, expired or tampered bearer token: the whole HTTP request is refused with 401, never run anonymously. */
export class InvalidTokenError extends UnauthenticatedError {
  constructor(message: string) {
    super(message, { http: { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) } });
  }
}

export class ForbiddenError extends ApiError {
  constructor(message = 'You are not allowed to do this.') {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string, field?: string) {
    super(ErrorCode.NOT_FOUND, message, field ? { field } : {});
  }
}

export class ConflictError extends ApiError {
  constructor(message: string, field?: string) {
    super(ErrorCode.CONFLICT, message, field ? { field } : {});
  }
}

/** Too much, too fast: HTTP 429 with `Retry-After` in whole seconds and `extensions.retryAfterMs`. */
export class RateLimitedError extends ApiError {
  constructor(message: string, retryAfterMs: number) {
    const ms = Math.max(0, Math.ceil(retryAfterMs));
    super(ErrorCode.RATE_LIMITED, message, {
      retryAfterMs: ms,
      http: { status: 429, headers: new Map([['retry-after', String(Math.max(1, Math.ceil(ms / 1000)))]]) },
    });
  }
}

/**
 * A store the request needs does not answer (the database; Redis for a new subscription): HTTP 503 with
 * `Retry-After` and `extensions.retryAfterMs`. Nothing was written; the same request may be sent again.
 */
export class ServiceUnavailableError extends ApiError {
  constructor(message: string, retryAfterMs = 2_000) {
    super(ErrorCode.SERVICE_UNAVAILABLE, message, {
      retryAfterMs,
      http: { status: 503, headers: new Map([['retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000)))]]) },
    });
  }
}

/** Which guard refused a query: the contract's `cost`, `depth`, `aliases`, `tokens`, and ours beside them. */
export type QueryLimit = 'cost' | 'depth' | 'aliases' | 'tokens' | 'directives' | 'selections' | 'batch' | 'passwordChecks';

/**
 * A query refused before it runs (HTTP 400). `extensions.limit` names the limit, `extensions.max` its value and
 * `extensions[limit]` what the query came to (`cost: 10101` against `max: 1000`), where that was measured.
 */
export class QueryTooComplexError extends ApiError {
  constructor(message: string, limit: QueryLimit, max: number, measured?: number) {
    super(ErrorCode.QUERY_TOO_COMPLEX, message, {
      limit,
      max,
      ...(measured !== undefined && { [limit]: measured }),
      http: { status: 400 },
    });
  }
}
