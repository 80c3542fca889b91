/** Driver errors the data layer turns into typed ones, so services never see an engine's error codes. */
import { ServiceUnavailableError } from '../errors.js';

/** A unique index refused a row (SQLite `SQLITE_CONSTRAINT_UNIQUE`, PostgreSQL `23505`). */
export class UniqueViolation extends Error {
  constructor(
    /** The index or constraint name when the driver says it (PostgreSQL does), else undefined. */
    readonly constraint?: string,
  ) {
    super(`unique constraint violated${constraint ? `: ${constraint}` : ''}`);
    this.name = 'UniqueViolation';
  }
}

/**
 * The database does not answer (connection refused, lost, or the pool timed out). It is the API's
 * SERVICE_UNAVAILABLE as it stands (503 with `Retry-After`), so no layer between the engine and the client has to
 * translate it; the driver's own error (host, port, SQL) stays in `cause`, for the log only.
 */
export class DatabaseUnavailable extends ServiceUnavailableError {
  constructor(cause?: unknown) {
    super('The database is unavailable; retry shortly.');
    this.cause = cause;
    this.name = 'DatabaseUnavailable';
  }
}
