/**
 * `npm run seed -- [--products N] [--seed S] [--reset]`: fills the database named by DATABASE_URL with demo data.
 * Exit codes: 0 seeded, 1 refused (database not empty) or failed, 2 bad flags.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { openDatabase, type Engine } from '../src/db/index.js';
import { DEFAULT_SEED, DEMO_ACCOUNTS, DEMO_PASSWORD, isEmpty, resetDatabase, seedDatabase } from './seed.js';

const USAGE = 'usage: npm run seed -- [--products N] [--seed S] [--reset]';
/** @default 10000 */
const DEFAULT_PRODUCTS = 10_000;
const MAX_PRODUCTS = 100_000_000;

interface Flags {
  products: number;
  seed: number;
  reset: boolean;
}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function wholeNumber(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    fail(`--${flag} must be a whole number from ${min} to ${max} (got "${raw}"); ${USAGE}`, 2);
  }
  return n;
}

function parseFlags(argv: string[]): Flags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        products: { type: 'string' },
        seed: { type: 'string' },
        reset: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message.split('\n')[0]!.replace(/\.$/, '')}; ${USAGE}`, 2);
  }
  if (values.help) {
    process.stdout.write(
      `${USAGE}\n` +
        `  --products N  products to create (default ${DEFAULT_PRODUCTS}); sellers, users and reviews scale with it\n` +
        `  --seed S      random seed (default ${DEFAULT_SEED}); the same seed gives the same data\n` +
        `  --reset       delete all existing rows first (orders included)\n`,
    );
    process.exit(0);
  }
  return {
    products: wholeNumber('products', values.products, DEFAULT_PRODUCTS, 1, MAX_PRODUCTS),
    seed: wholeNumber('seed', values.seed, DEFAULT_SEED, 0, 0xffffffff),
    reset: values.reset ?? false,
  };
}

/** A bar on a terminal; elsewhere (CI, pipes, logs) a line every tenth of the way. */
function progressReporter(total: number): { update(done: number): void; stop(): void } {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'Seeding |{bar}| {percentage}% | {value}/{total} products | ETA {eta_formatted}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let nextTenth = 1;
  return {
    update(done) {
      if (done < (total * nextTenth) / 10) return;
      while (done >= (total * nextTenth) / 10) nextTenth++;
      process.stdout.write(`seeded ${done}/${total} products (${Math.floor((done / total) * 100)}%)\n`);
    },
    stop() {},
  };
}

const flags = parseFlags(process.argv.slice(2));
let databaseUrl: string;
try {
  databaseUrl = loadConfig().databaseUrl;
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  fail(err.message, 1);
}

/** Returns the exit code; the database is closed on every path. */
async function run(flags: Flags, url: string): Promise<number> {
  const where = redact(url);
  let database: Engine;
  try {
    database = await openDatabase(url);
  } catch (err) {
    process.stderr.write(`Cannot open ${where}: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    if (!(await isEmpty(database))) {
      if (!flags.reset) {
        process.stderr.write(`${where} already has data; run again with --reset to delete it and seed afresh.\n`);
        return 1;
      }
      await resetDatabase(database);
      process.stdout.write(`Deleted all rows from ${where}\n`);
    }
    const progress = progressReporter(flags.products);
    const summary = await seedDatabase(database, { products: flags.products, seed: flags.seed, onProgress: progress.update });
    progress.stop();
    const n = (x: number) => x.toLocaleString('en-IN');
    process.stdout.write(
      `Seeded ${where} in ${(summary.durationMs / 1000).toFixed(1)} s (seed ${summary.seed}): ` +
        `${n(summary.categories)} categories, ${n(summary.sellers)} sellers, ${n(summary.users)} users, ` +
        `${n(summary.products)} products, ${n(summary.reviews)} reviews.\n` +
        `Demo accounts (password "${DEMO_PASSWORD}"): ${DEMO_ACCOUNTS.map((a) => `${a.email} (${a.role})`).join(', ')}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`Seeding failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await database.close();
  }
}

/** A URL's password never reaches the terminal. */
const redact = (url: string) => url.replace(/^([a-z]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');

process.exitCode = await run(flags, databaseUrl);
