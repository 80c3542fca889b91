/**
 * Peer: Mercurius on fastify with graphql-jit (`jit: 1`: a document is compiled the first time it is seen again),
 * DataLoader per request; automatic persisted queries as Mercurius ships them; with PEER_CACHE=on, mercurius-cache
 * on every resolver that reads the database (its results kept per resolver and arguments for 60 s, the hints' maxAge).
 *
 * `node dist/bench/peers/mercurius.js` with PORT and PEER_DATABASE set (bench/peers/index.ts starts it).
 */
import Fastify from 'fastify';
import mercurius from 'mercurius';
import mercuriusCache from 'mercurius-cache';
import { openPeerData } from './data.js';
import { resolvers, typeDefs } from './schema.js';
import { listen, peerSettings, serveOps } from './serve.js';

const settings = peerSettings();
const data = openPeerData(settings.file);
const app = Fastify({ logger: false });
await app.register(mercurius, {
  schema: typeDefs,
  resolvers: resolvers(data) as never,
  jit: 1,
  path: '/graphql',
  persistedQueryProvider: mercurius.persistedQueryDefaults.automatic(),
  context: () => ({ loaders: data.loaders() }),
});
if (settings.cache) {
  // (Its typings declare an ES default export over a CommonJS module; the import is the plugin itself.)
  await app.register(mercuriusCache as unknown as typeof mercuriusCache.default, {
    ttl: 60,
    policy: {
      Query: { product: true, products: true },
      Product: { seller: true, reviews: true },
      Seller: { rating: true },
      Review: { author: true },
    },
  });
}
serveOps(app, data);
await listen(app, settings.port, () => data.close());
