import { defineConfig } from 'drizzle-kit';

/** PostgreSQL's schema and migrations (`npm run db:generate:pg`); SQLite's are in drizzle.config.ts. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './src/db/pg/migrations',
});
