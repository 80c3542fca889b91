/**
 * One log line and one duration sample per HTTP request, written when the response has been sent (fastify's
 * onResponse). The line carries the request id, the operation (GraphQL operation name, else the route), status,
 * cost, cache status (`X-Cache`) and duration. It never carries bodies, variables, query strings or headers, so
 * passwords, access tokens and refresh tokens cannot reach the logs through it.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import { factsOf } from './requestFacts.js';

/** The operation a request ran: its GraphQL operation name, else its route (`GET /api/v1/products/:id`). */
function operationOf(req: FastifyRequest, metrics: Metrics): string {
  const route = req.routeOptions.url;
  if (route === undefined) return 'unmatched';
  const { operation } = factsOf(req);
  if (operation !== undefined) return metrics.operationLabel(operation);
  return route === '/graphql' ? '(unresolved)' : `${req.method} ${route}`;
}

export function registerRequestLog(fastify: FastifyInstance, metrics: Metrics): void {
  const log = fastify.log as FastifyBaseLogger & Pick<Logger, 'isLevelEnabled'>;
  // The histogram's child per (operation, status), so a sample does not hash its labels again (both are bounded).
  const samples = new Map<string, { observe(seconds: number): void }>();
  // A callback hook (not async): one promise less per request.
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const operation = operationOf(req, metrics);
    const status = reply.statusCode;
    const series = `${status} ${operation}`;
    let sample = samples.get(series);
    if (!sample) samples.set(series, (sample = metrics.httpDuration.labels({ operation, status })));
    sample.observe(reply.elapsedTime / 1000);
    if (!log.isLevelEnabled('info')) return done();
    const { cost } = factsOf(req);
    const cache = reply.getHeader('x-cache');
    const query = req.url.indexOf('?');
    // The app's logger with the id as a field (as the request's child logger would bind it), so no child is made.
    log.info(
      {
        reqId: req.id,
        method: req.method,
        path: query < 0 ? req.url : req.url.slice(0, query),
        operation,
        status,
        ...(cost && { cost }),
        ...(cache !== undefined && { cache }),
        ms: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
    done();
  });
}
