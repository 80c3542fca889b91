/**
 * One log line and one duration sample per HTTP request, written when the response has been sent (fastify's
 * onResponse, or the front door for the cache hits it answers before fastify: src/http/frontDoor.ts). The line carries the request id, the operation (GraphQL operation name, else the route), status,
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

/** One request's line: what fastify's onResponse hook knows, or what the front door (src/http/frontDoor.ts) knows. */
export interface RequestLine {
  id: string;
  method: string;
  /** The request's URL as sent; its query string is never logged. */
  url: string;
  status: number;
  /** The metrics label of its operation: the GraphQL operation name (`Metrics.operationLabel`), else the route. */
  operation: string;
  cost?: { requested: number | null; actual: number };
  cache?: unknown;
  ms: number;
}

export type RequestLog = (line: RequestLine) => void;

/** Writes a request's log line (at info) and its duration sample. */
export function createRequestLog(log: FastifyBaseLogger, metrics: Metrics): RequestLog {
  const logger = log as FastifyBaseLogger & Pick<Logger, 'isLevelEnabled'>;
  // The histogram's child per (operation, status), so a sample does not hash its labels again (both are bounded).
  const samples = new Map<string, { observe(seconds: number): void }>();
  return ({ id, method, url, status, operation, cost, cache, ms }) => {
    const series = `${status} ${operation}`;
    let sample = samples.get(series);
    if (!sample) samples.set(series, (sample = metrics.httpDuration.labels({ operation, status })));
    sample.observe(ms / 1000);
    if (!logger.isLevelEnabled('info')) return;
    const query = url.indexOf('?');
    // The app's logger with the id as a field (as the request's child logger would bind it), so no child is made.
    logger.info(
      {
        reqId: id,
        method,
        path: query < 0 ? url : url.slice(0, query),
        operation,
        status,
        ...(cost && { cost }),
        ...(cache !== undefined && { cache }),
        ms: Math.round(ms * 100) / 100,
      },
      'request',
    );
  };
}

export function registerRequestLog(fastify: FastifyInstance, metrics: Metrics, log: RequestLog): void {
  // A callback hook (not async): one promise less per request.
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    log({
      id: req.id,
      method: req.method,
      url: req.url,
      status: reply.statusCode,
      operation: operationOf(req, metrics),
      cost: factsOf(req).cost,
      cache: reply.getHeader('x-cache'),
      ms: reply.elapsedTime,
    });
    done();
  });
}
