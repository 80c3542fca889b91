/**
 * What both peers share as processes: their settings from the environment, and the two routes the benchmark reads
 * besides /graphql (`/ready`, and `/metrics` with the SQL statement count in Prometheus text).
 */
import type { FastifyInstance } from 'fastify';
import { openPeerData } from './data.js';

export interface PeerSettings {
  port: number;
  /** The peer's own copy of the catalog. */
  file: string;
  /** Its response cache on (Apollo's response-cache plugin, mercurius-cache). */
  cache: boolean;
}

export function peerSettings(): PeerSettings {
  const { PORT, PEER_DATABASE, PEER_CACHE } = process.env;
  if (!PORT || !PEER_DATABASE) throw new Error('PORT and PEER_DATABASE must be set');
  return { port: Number(PORT), file: PEER_DATABASE, cache: PEER_CACHE === 'on' };
}

export function serveOps(app: FastifyInstance, data: ReturnType<typeof openPeerData>): void {
  app.get('/ready', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_req, reply) => {
    void reply.header('content-type', 'text/plain; version=0.0.4');
    return `sql_statements_total ${data.statements}\n`;
  });
}

/** Listens on 127.0.0.1 and closes on SIGTERM, as the project's server does. */
export async function listen(app: FastifyInstance, port: number, onClose: () => void): Promise<void> {
  await app.listen({ port, host: '127.0.0.1' });
  process.on('SIGTERM', () => {
    void app.close().then(() => {
      onClose();
      process.exit(0);
    });
  });
}
