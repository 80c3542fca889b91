/**
 * Peer: stock Apollo Server 5 on fastify (@as-integrations/fastify), graphql-js's executor, DataLoader per request;
 * with PEER_CACHE=on, Apollo's response-cache plugin (whole responses, keyed by document and variables, for the
 * maxAge the cache hints allow). Apollo's defaults otherwise: APQ on, CSRF prevention on.
 *
 * `node dist/bench/peers/apollo.js` with PORT and PEER_DATABASE set (bench/peers/index.ts starts it).
 */
import { ApolloServer } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify from 'fastify';
import { openPeerData } from './data.js';
import { resolvers, typeDefs, type PeerContext } from './schema.js';
import { listen, peerSettings, serveOps } from './serve.js';

const settings = peerSettings();
const data = openPeerData(settings.file);
const app = Fastify({ logger: false });
const apollo = new ApolloServer<PeerContext>({
  typeDefs,
  resolvers: resolvers(data) as never,
  plugins: [fastifyApolloDrainPlugin(app), ...(settings.cache ? [responseCachePlugin()] : [])],
});
await apollo.start();
await app.register(fastifyApollo(apollo), { context: async () => ({ loaders: data.loaders() }) });
serveOps(app, data);
await listen(app, settings.port, () => data.close());
