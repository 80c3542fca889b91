/**
 * `npm start`: read the configuration, open (and on first start, seed) the database, serve, and shut down
 * gracefully on SIGTERM or SIGINT.
 */
import { isEmpty, seedDatabase } from '../seed/seed.js';
import { ConfigError, loadConfig, type Config } from './config/index.js';
import { openDatabase, setupExclusively } from './db/index.js';
import { keepTickObjectShape } from './runtime/tickObjectShape.js';
import { createApp } from './server.js';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

keepTickObjectShape();
const config = readConfig();
const database = await openDatabase(config.databaseUrl, { sqliteReaders: config.sqliteReaders, sqliteOffloadUs: config.sqliteOffloadUs });
const app = await createApp(config, database);
const log = app.fastify.log;

if (config.jwtSecretGenerated) log.warn('JWT_SECRET is not set: using a random secret; tokens will not survive a restart');
if (config.seedProducts > 0) {
  // Checked and seeded under the setup lock: of several instances starting on one empty database, one seeds.
  await setupExclusively(database, async () => {
    if (!(await isEmpty(database))) return;
    log.info({ products: config.seedProducts, engine: database.dialect }, 'empty database: seeding the demo catalog');
    const started = Date.now();
    const summary = await seedDatabase(database, { products: config.seedProducts });
    log.info({ ...summary, seconds: (Date.now() - started) / 1000 }, 'seeded');
  });
}

const url = await app.listen();
log.info(`GraphQL at ${url}/graphql (Apollo Sandbox in a browser), health at ${url}/health`);

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    app.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
