/** Driver errors the data layer turns into typed ones, so services never see an engine's error codes. */

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

/** The database does not answer (connection refused, lost, or the pool timed out): SERVICE_UNAVAILABLE upstream. */
export class DatabaseUnavailable extends Error {
  constructor(cause?: unknown) {
    super('database unavailable', { cause });
    this.name = 'DatabaseUnavailable';
  }
}
