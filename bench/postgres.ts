/**
 * The benchmark's PostgreSQL: a private server (tools/services/postgres.ts) holding the same seeded catalog as the
 * SQLite file, as a template database; each server under test gets its own copy (`CREATE DATABASE … TEMPLATE`), as
 * each SQLite server gets its own copy of the file. The test settings (no fsync) apply: like the SQLite runs, this
 * measures the server, not the disk.
 */
import pg from 'pg';
import { openDatabase } from '../src/db/index.js';
import { seedDatabase } from '../seed/seed.js';
import { startPostgres, type PostgresServer } from '../tools/services/postgres.js';

export interface PostgresCatalog {
  server: PostgresServer;
  seedSeconds: number;
  /** A fresh copy of the catalog; resolves to its DATABASE_URL. */
  copy(): Promise<string>;
  stop(): Promise<void>;
}

export async function postgresCatalog(products: number): Promise<PostgresCatalog> {
  const server = await startPostgres();
  let copies = 0;
  const admin = async (sql: string) => {
    const client = new pg.Client(server.url);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await admin('CREATE DATABASE catalog');
    const engine = await openDatabase(server.urlFor('catalog'));
    const started = performance.now();
    await seedDatabase(engine, { products });
    const seedSeconds = (performance.now() - started) / 1000;
    await engine.close();
    // Planner statistics for the copies (the test settings turn autovacuum off).
    const client = new pg.Client(server.urlFor('catalog'));
    await client.connect();
    await client.query('VACUUM ANALYZE');
    await client.end();
    return {
      server,
      seedSeconds,
      async copy() {
        const name = `server_${++copies}`;
        await admin(`CREATE DATABASE ${name} TEMPLATE catalog STRATEGY FILE_COPY`);
        return server.urlFor(name);
      },
      stop: () => server.stop(),
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
