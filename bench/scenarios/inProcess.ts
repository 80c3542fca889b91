/**
 * The executor and the loaders without HTTP: three apps in one process (graphql-jit with DataLoader, graphql-js with
 * DataLoader, optimizations off) answer the same requests through fastify's `inject`, in turns, one at a time. No
 * sockets and no load generator share the cores, so this isolates what the optimizations change per request.
 *
 * As a process: `node --import tsx bench/scenarios/inProcess.ts '<InProcessSpec as JSON>'` prints InProcessResult[].
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { productPage } from '../../compare/screens.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/index.js';
import { createApp } from '../../src/server.js';
import { ROOT } from '../server.js';
import { CATEGORY_QUERY } from './http.js';

export interface InProcessSpec {
  file: string;
  productId: string;
  categoryId: string;
  rounds: number;
}

export interface InProcessResult {
  page: 'product' | 'category';
  /** Milliseconds per request: graphql-jit + DataLoader, graphql-js + DataLoader, neither. */
  jit: number;
  graphqlJs: number;
  off: number;
}

export async function measureInProcess(spec: InProcessSpec): Promise<InProcessResult[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/scenarios/inProcess.ts', JSON.stringify(spec)], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as InProcessResult[];
}

async function run(spec: InProcessSpec): Promise<InProcessResult[]> {
  const app = async (env: Record<string, string>) => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'in-process-benchmark-secret-0123456789',
      LOG_LEVEL: 'silent',
      DATABASE_URL: spec.file,
      RESPONSE_CACHE: 'off',
      RATE_LIMIT_ANON_MAX: '1000000000',
      ...env,
    });
    return createApp(config, await openDatabase(config.databaseUrl));
  };
  const apps = {
    jit: await app({ OPTIMIZATIONS: 'on', EXECUTOR: 'jit' }),
    graphqlJs: await app({ OPTIMIZATIONS: 'on', EXECUTOR: 'graphql-js' }),
    off: await app({ OPTIMIZATIONS: 'off' }),
  };
  const product = productPage(spec.productId);
  const pages = {
    product: { payload: { query: product.query, variables: product.variables }, n: 200 },
    category: { payload: { query: CATEGORY_QUERY, variables: { categoryId: spec.categoryId } }, n: 50 },
  };
  try {
    const results: InProcessResult[] = [];
    for (const [page, { payload, n }] of Object.entries(pages)) {
      const ms = { jit: 0, graphqlJs: 0, off: 0 };
      const send = async (key: keyof typeof apps, times: number) => {
        for (let i = 0; i < times; i++) {
          const res = await apps[key].fastify.inject({ method: 'POST', url: '/graphql', payload });
          if (res.statusCode !== 200 || res.body.includes('"errors"')) throw new Error(`${page} on ${key}: ${res.body.slice(0, 200)}`);
        }
      };
      for (const key of Object.keys(apps) as (keyof typeof apps)[]) await send(key, n); // warm-up
      for (let round = 0; round < spec.rounds; round++) {
        for (const key of Object.keys(apps) as (keyof typeof apps)[]) {
          const started = performance.now();
          await send(key, n);
          ms[key] += (performance.now() - started) / n / spec.rounds;
        }
      }
      results.push({ page: page as InProcessResult['page'], ...ms });
    }
    return results;
  } finally {
    for (const a of Object.values(apps)) await a.close();
  }
}

if (import.meta.filename === process.argv[1]) {
  process.stdout.write(JSON.stringify(await run(JSON.parse(process.argv[2]!) as InProcessSpec)));
}
