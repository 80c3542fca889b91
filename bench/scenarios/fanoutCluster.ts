/**
 * `npx tsx bench/scenarios/fanoutCluster.ts [--subscribers 10000] [--updates 5] [--products 200] [--no-floor]`: the
 * fan-out through three instances on PostgreSQL + Redis alone (what `npm run bench` runs in its `cluster` part with
 * `fanout`), without the cluster's HTTP rows: subscribers spread evenly, changes made on each instance in turn, the
 * three-process bare floor taking turns with them.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startRedis } from '../../tools/services/redis.js';
import { fanoutThroughThree } from '../cluster.js';
import { postgresCatalog } from '../postgres.js';
import { cleanUp, ROOT, seedCatalog } from '../server.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    updates: { type: 'string', default: '5' },
    products: { type: 'string', default: '200' },
    'no-floor': { type: 'boolean', default: false },
  },
});
execFileSync(process.execPath, ['tools/build.mjs', '--quiet'], { cwd: ROOT });
const catalog = await seedCatalog(Number(values.products));
const pg = await postgresCatalog(Number(values.products));
const redis = await startRedis({ maxmemory: '512mb' });
try {
  const load = loadavg()[0]!;
  const f = { subscribers: Number(values.subscribers), updates: Number(values.updates), rate: 1 };
  const r = await fanoutThroughThree(catalog, pg, redis.url, f, (line) => console.log(line), !values['no-floor']);
  console.log(
    `load average ${load.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}; server's part mean ${r.serverMs.mean.toFixed(1)} ms, ` +
      `max ${r.serverMs.max.toFixed(1)} ms; SQL per update ${r.sqlPerUpdate.toFixed(1)}; disorder ${r.disorder}, failures ${r.failures}`,
  );
} finally {
  await redis.stop();
  await pg.stop();
  cleanUp(catalog);
}
