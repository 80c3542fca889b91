/**
 * The front door: response-cache hits answered from node:http's request event, before fastify sees the request.
 *
 * A hit is a hash, a lookup and a bucket charge (~50 µs); fastify's routing, hooks, request and reply objects and
 * its plugins' hooks around it cost more than that again (the bench report's "fastify floor": the same bytes from
 * one fastify route reach ~half of a bare node:http server). So a request that can only be a read of /graphql is
 * read here, through the very reads and answer the /graphql route uses (src/http/cacheHits.ts); a hit is written
 * here with what fastify's plugins would have added (CORS, compression, the log line and duration sample), and
 * anything else (a miss, a refusal, a mutation, a bad token, an odd header) goes on to fastify with its body
 * replayed (`replayBody`, a preParsing hook), so nothing is answered differently, only sooner.
 *
 * Taken: POST /graphql with a JSON body of at most 16 KiB, or GET /graphql?…; not while the server closes; not
 * when X-Forwarded-For would decide the caller's address (TRUST_PROXY) or the body is compressed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { Readable } from 'node:stream';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import negotiate from '@fastify/accept-negotiator';
import type { FastifyRequest } from 'fastify';
import { authenticate } from '../auth/tokens.js';
import type { AppDeps } from '../context.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestLog } from '../observability/requestLog.js';
import { FREE_DOCUMENT_CHARS } from '../plugins/queryCost/documentPrice.js';
import type { CacheHits, HttpAnswer } from './cacheHits.js';
import { documentTexts, type GraphQLHttpRequest } from './graphqlRequest.js';
import { requestRefusal } from './graphqlRefusals.js';

/** Bodies larger than this go straight to fastify: a cache hit's request is an operation name, a query and variables. */
const MAX_BODY_BYTES = 16 * 1024;

/** What fastify's CORS and compression plugins are configured with in src/server.ts. */
export interface FrontDoorOptions {
  corsOrigins: readonly string[];
  exposedHeaders: readonly string[];
  /** Bodies of this many bytes or more are compressed (br or gzip, by the client's preference; br on a tie). */
  compressThreshold: number;
  trustProxy: boolean;
}

export interface FrontDoor {
  /** node:http's request listener: answers a hit, or hands the request to `next` (fastify). */
  handle(req: IncomingMessage, res: ServerResponse, next: (req: IncomingMessage, res: ServerResponse) => void): void;
  /** fastify's preParsing hook for /graphql: the body the front door already read, as the stream fastify parses. */
  replayBody(request: FastifyRequest, reply: unknown, payload: Readable, done: (err: Error | null, stream?: Readable) => void): void;
  /** From now on every request goes to fastify (which answers 503 while it closes). */
  close(): void;
  /** How many requests it answered itself. */
  answered(): number;
}

const ENCODINGS = ['br', 'gzip'];
const BROTLI = { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } }; // @fastify/compress's default

export function createFrontDoor(deps: AppDeps, hits: CacheHits, metrics: Metrics, log: RequestLog, options: FrontDoorOptions): FrontDoor {
  const bodies = new WeakMap<IncomingMessage, Buffer>();
  const exposed = options.exposedHeaders.join(', ');
  let closing = false;
  let ids = 0;

  function eligible(req: IncomingMessage): boolean {
    if (closing || req.headers['content-encoding'] !== undefined) return false;
    if (options.trustProxy && req.headers['x-forwarded-for'] !== undefined) return false;
    if (req.method === 'GET') return req.url!.startsWith('/graphql?');
    if (req.method !== 'POST' || req.url !== '/graphql' || !isJson(req.headers['content-type'])) return false;
    const length = Number(req.headers['content-length']);
    return length > 0 && length <= MAX_BODY_BYTES;
  }

  async function answer(req: IncomingMessage, body: Buffer | null): Promise<HttpAnswer | null> {
    let parsed: GraphQLHttpRequest;
    if (body === null) {
      parsed = { method: 'GET', headers: req.headers, query: parseQueryString(req.url!.slice('/graphql?'.length)), body: undefined };
    } else {
      const text = body.toString('utf8');
      // fastify's JSON parser refuses these keys (prototype poisoning) with 400: its answer, not ours.
      if (text.includes('__proto__') || text.includes('constructor')) return null;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return null;
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
      parsed = { method: 'POST', headers: req.headers, query: {}, body: json };
    }
    // The route's own checks first: whatever it would refuse or price is its to answer.
    if (requestRefusal(parsed) || documentTexts(parsed).some((t) => t.length > FREE_DOCUMENT_CHARS)) return null;
    const header = req.headers.authorization;
    const viewerOf = async () => {
      try {
        return { viewer: header ? await authenticate(deps.auth.tokens, header) : null };
      } catch {
        return null;
      }
    };
    const read = await hits.read(parsed, viewerOf, false);
    const entry = read && (await hits.get(read));
    return entry ? hits.answer(read!, entry, req.socket.remoteAddress ?? '') : null;
  }

  function write(req: IncomingMessage, res: ServerResponse, started: number, result: HttpAnswer) {
    const headers: string[] = ['vary', 'Origin'];
    const origin = req.headers.origin;
    if (origin !== undefined && options.corsOrigins.includes(origin)) {
      headers.push('access-control-allow-origin', origin, 'access-control-expose-headers', exposed);
    }
    for (const [k, v] of result.headers) headers.push(k, v);
    let payload: Buffer | string = result.body;
    const encoding = encodingFor(req.headers['accept-encoding'], req.headers['x-no-compression'] !== undefined);
    if (encoding && Buffer.byteLength(payload) >= options.compressThreshold) {
      payload = encoding === 'br' ? brotliCompressSync(payload, BROTLI) : gzipSync(payload);
      headers[1] = 'Origin, accept-encoding';
      headers.push('content-encoding', encoding);
    }
    headers.push('content-length', String(Buffer.byteLength(payload)));
    res.writeHead(result.status, headers);
    res.end(payload);
    const cache = result.headers.find(([k]) => k === 'x-cache')?.[1];
    log({
      id: `front-${(++ids).toString(36)}`,
      method: req.method!,
      url: req.url!,
      status: result.status,
      operation: metrics.operationLabel(result.operation),
      cost: result.cost,
      cache,
      ms: performance.now() - started,
    });
  }

  return {
    handle(req, res, next) {
      if (!eligible(req)) return next(req, res);
      const started = performance.now();
      const serve = (body: Buffer | null) => {
        answer(req, body).then(
          (result) => {
            if (result) return write(req, res, started, result);
            if (body) bodies.set(req, body);
            next(req, res);
          },
          () => {
            // A store failed before anything was charged: the route meets the same failure, logs it and answers it.
            if (body) bodies.set(req, body);
            next(req, res);
          },
        );
      };
      if (req.method === 'GET') return serve(null);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.once('end', () => serve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      req.once('error', () => res.destroy());
    },

    replayBody(request, _reply, payload, done) {
      const body = bodies.get(request.raw);
      if (body === undefined) return done(null, payload);
      const stream = Readable.from([body], { objectMode: false }) as Readable & { receivedEncodedLength?: number };
      stream.receivedEncodedLength = body.length;
      done(null, stream);
    },

    close() {
      closing = true;
    },

    answered: () => ids,
  };
}

/** `application/json`, with at most a UTF-8 charset: what fastify's JSON parser takes as it is. */
function isJson(type: string | undefined): boolean {
  if (type === undefined) return false;
  const [media, ...params] = type.toLowerCase().split(';');
  if (media!.trim() !== 'application/json') return false;
  return params.every((p) => p.trim() === 'charset=utf-8');
}

/** @fastify/compress's choice: the client's preference among br and gzip (`*` and `x-gzip` count as gzip). */
function encodingFor(header: string | undefined, refused: boolean): string | undefined {
  if (header === undefined || refused) return undefined;
  const chosen = negotiate(header.toLowerCase().replace(/\*|x-gzip/gu, 'gzip'), ENCODINGS);
  return chosen === 'identity' ? undefined : (chosen ?? undefined);
}
