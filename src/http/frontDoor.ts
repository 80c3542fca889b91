/**
 * The front door: what can be answered without fastify is answered from node:http's request event, before fastify
 * sees the request: response-cache hits, and operations already seen (the fast path, src/http/fastPath.ts).
 *
 * A hit is a hash, a lookup and a bucket charge (~50 µs); fastify's routing, hooks, request and reply objects and
 * its plugins' hooks around it cost more than that again (the bench report's "fastify floor": the same bytes from
 * one fastify route reach ~half of a bare node:http server). So a request that can only be a GraphQL operation on
 * /graphql is read here, through the very reads and answers the /graphql route uses (src/http/cacheHits.ts, the
 * fast path), and written here with what fastify's plugins would have added (CORS, compression, the log line and
 * duration sample). Anything else (a miss, a document not seen yet, a refusal, a bad token, an odd header) goes on
 * to fastify with its body replayed (`replayBody`, a preParsing hook), so nothing is answered differently, only
 * sooner. Nothing falls through once something ran: a fast-path failure is answered here, as the route would.
 *
 * Taken: POST /graphql with a JSON body of at most 16 KiB, or GET /graphql?…; not while the server closes; not
 * when X-Forwarded-For would decide the caller's address (TRUST_PROXY) or the body is compressed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { Readable } from 'node:stream';
import { brotliCompress, brotliCompressSync, constants as zlib, gzip, gzipSync } from 'node:zlib';
import negotiate from '@fastify/accept-negotiator';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { authenticate } from '../auth/tokens.js';
import type { AppDeps, Viewer } from '../context.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestLog } from '../observability/requestLog.js';
import { FREE_DOCUMENT_CHARS } from '../plugins/queryCost/documentPrice.js';
import type { CacheHits, HttpAnswer } from './cacheHits.js';
import type { FastPath } from './fastPath.js';
import { documentTexts, type GraphQLHttpRequest } from './graphqlRequest.js';
import { INTERNAL_ERROR, requestRefusal } from './graphqlRefusals.js';

/** Request texts kept parsed (`contentOf`), by their size: a few thousand distinct screens' requests. */
const CONTENT_MEMO_BYTES = 4 * 1024 * 1024;

/** Bodies larger than this go straight to fastify: a cache hit's request is an operation name, a query and variables. */
const MAX_BODY_BYTES = 16 * 1024;

/** What fastify's CORS and compression plugins are configured with in src/server.ts. */
export interface FrontDoorOptions {
  corsOrigins: readonly string[];
  exposedHeaders: readonly string[];
  /**
   * @fastify/compress's settings: bodies of `threshold` bytes or more are compressed (br or gzip, by the client's
   * preference; br on a tie), at once below `syncThreshold`, on the thread pool and chunked from there.
   */
  compression: { threshold: number; syncThreshold: number };
  trustProxy: boolean;
  /** Where an unexpected error is logged (the app's logger). */
  logger: Pick<FastifyBaseLogger, 'error'>;
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

/** What the front door answers: cache hits (response cache on), operations already seen (the fast path). */
export interface FrontDoorPaths {
  hits: CacheHits | null;
  fast: FastPath | null;
}

export function createFrontDoor(deps: AppDeps, { hits, fast }: FrontDoorPaths, metrics: Metrics, log: RequestLog, options: FrontDoorOptions): FrontDoor {
  const bodies = new WeakMap<IncomingMessage, Buffer>();
  const contents = new LRUCache<string | number, Known>({
    maxSize: CONTENT_MEMO_BYTES,
    sizeCalculation: (known, key) => (typeof key === 'string' ? key.length * 4 : (known.bytes?.length ?? 0) * 4) + 200,
  });
  const exposed = options.exposedHeaders.join(', ');
  let closing = false;
  let ids = 0;
  let answered = 0;

  function eligible(req: IncomingMessage): boolean {
    if (closing || req.headers['content-encoding'] !== undefined) return false;
    if (options.trustProxy && req.headers['x-forwarded-for'] !== undefined) return false;
    if (req.method === 'GET') return req.url!.startsWith('/graphql?');
    if (req.method !== 'POST' || req.url !== '/graphql' || !isJson(req.headers['content-type'])) return false;
    const length = Number(req.headers['content-length']);
    return length > 0 && length <= MAX_BODY_BYTES;
  }

  /**
   * A request's content as `GraphQLHttpRequest` wants it, or null when the route must see it: what does not parse,
   * is not one JSON object, or is something the route refuses or prices by size. Memoized by the text as sent (the
   * GET URL; a POST body by `bodyKey`, confirmed byte for byte), so a repeated request parses and checks nothing,
   * and cacheHits.ts finds what it derived from the same content object (src/http/cacheHits.ts, `prepare`).
   */
  function contentOf(req: IncomingMessage, body: Buffer | null): GraphQLHttpRequest | null {
    const key = body === null ? req.url! : bodyKey(body);
    let known = contents.get(key);
    if (known !== undefined && body !== null && !body.equals(known.bytes!)) known = undefined; // another body, same key
    if (known === undefined) {
      const content = parseContent(req.method!, body === null ? req.url! : body.toString('utf8'));
      if (!content) return null;
      // A copy of its own: the body may be a slice of a larger read, which the memo would otherwise keep.
      contents.set(key, (known = { content, bytes: body === null ? undefined : copyOf(body) }));
    }
    const { content } = known;
    return { method: req.method!, headers: req.headers, query: content.query, body: content.body };
  }

  async function answer(req: IncomingMessage, id: string, body: Buffer | null): Promise<HttpAnswer | null> {
    const parsed = contentOf(req, body);
    if (!parsed) return null;
    const header = req.headers.authorization;
    let caller: { viewer: Viewer | null } | null | undefined;
    const viewerOf = async () => {
      if (caller !== undefined) return caller;
      try {
        return (caller = { viewer: header ? await authenticate(deps.auth.tokens, header) : null });
      } catch {
        return (caller = null);
      }
    };
    const ip = req.socket.remoteAddress ?? '';
    // Hits first: with the cache on the fast path holds mutations only, and a mutation is never a cacheable read.
    const read = hits && (await hits.read(parsed, viewerOf, false));
    const entry = read && (await hits!.get(read));
    if (entry) return hits!.answer(read!, entry, ip);
    if (fast) {
      const who = await viewerOf();
      try {
        const served = who && (await fast.serve({ ...parsed, ip, id, raw: req }, who.viewer));
        if (served) return served;
      } catch (err) {
        // It may have run (a mutation cannot run twice): answered here as the route's error handler answers.
        options.logger.error({ err, reqId: id }, 'unexpected error on /graphql');
        return internalError();
      }
    }
    return null;
  }

  function write(req: IncomingMessage, res: ServerResponse, id: string, started: number, result: HttpAnswer) {
    answered++;
    const headers: string[] = ['vary', 'Origin'];
    const origin = req.headers.origin;
    if (origin !== undefined && options.corsOrigins.includes(origin)) {
      headers.push('access-control-allow-origin', origin, 'access-control-expose-headers', exposed);
    }
    for (const [k, v] of result.headers) headers.push(k, v);
    const size = Buffer.byteLength(result.body);
    const encoding = encodingFor(req.headers['accept-encoding'], req.headers['x-no-compression'] !== undefined);
    if (!encoding || size < options.compression.threshold) {
      headers.push('content-length', String(size));
      res.writeHead(result.status, headers);
      res.end(result.body);
    } else {
      headers[1] = 'Origin, accept-encoding';
      headers.push('content-encoding', encoding);
      if (size < options.compression.syncThreshold) {
        const payload = encoding === 'br' ? brotliCompressSync(result.body, BROTLI) : gzipSync(result.body);
        headers.push('content-length', String(payload.length));
        res.writeHead(result.status, headers);
        res.end(payload);
      } else {
        // As @fastify/compress streams a large body: on the thread pool, chunked.
        res.writeHead(result.status, headers);
        const done = (err: Error | null, payload: Buffer) => (err ? res.destroy(err) : res.end(payload));
        if (encoding === 'br') brotliCompress(result.body, BROTLI, done);
        else gzip(result.body, done);
      }
    }
    const cache = result.headers.find(([k]) => k === 'x-cache')?.[1];
    log({
      id,
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
      const id = `front-${(++ids).toString(36)}`;
      const serve = (body: Buffer | null) => {
        answer(req, id, body).then(
          (result) => {
            if (result) return write(req, res, id, started, result);
            if (body) bodies.set(req, body);
            next(req, res);
          },
          () => {
            // A store failed before anything was charged (a fast-path execution answers its own errors): the route
            // meets the same failure, logs it and answers it.
            if (body) bodies.set(req, body);
            next(req, res);
          },
        )
          // Writing failed (a socket gone mid-write, say): that request is lost, never the process.
          .catch((err: unknown) => {
            options.logger.error({ err, reqId: id }, 'the front door could not answer');
            res.destroy();
          });
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

    answered: () => answered,
  };
}

/** The /graphql route's answer to an unexpected error (graphqlErrorHandler in graphqlRefusals.ts). */
function internalError(): HttpAnswer {
  const { status, message, extensions } = INTERNAL_ERROR;
  return {
    status,
    headers: [['x-cache', 'BYPASS'], ['content-type', 'application/json; charset=utf-8']],
    body: JSON.stringify({ errors: [{ message, extensions }] }),
    operation: '(unresolved)',
  };
}

/** What a POST body or a GET query string holds, parsed once (`contentOf`). */
interface Content {
  query: unknown;
  body: unknown;
}

/** A memoized content, with the body it was parsed from (a POST's). */
interface Known {
  content: Content;
  bytes?: Buffer;
}

/**
 * A POST body's memo key: its length and eight 32-bit words spread over it, mixed into one number. Hashing the whole
 * body as a string (it had to be decoded first) cost more than a cache hit's own work; a key shared by two bodies
 * only costs a parse (`contentOf` compares the bytes).
 */
export function bodyKey(body: Buffer): number {
  const last = body.length - 4;
  let key = body.length;
  if (last >= 0) {
    for (let i = 0; i < 8; i++) key = Math.imul(key ^ body.readUInt32LE(Math.floor((last * i) / 7)), 0x9e3779b1);
  }
  return key;
}

/** The parsed content of a request's text, or null when the route must answer it. */
function parseContent(method: string, text: string): Content | null {
  let content: Content;
  if (method === 'GET') {
    content = { query: parseQueryString(text.slice('/graphql?'.length)), body: undefined };
  } else {
    // fastify's JSON parser refuses these keys (prototype poisoning) with 400: its answer, not ours.
    if (text.includes('__proto__') || text.includes('constructor')) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return null;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
    content = { query: {}, body: json };
  }
  // The route's own checks: whatever it would refuse or price by size is its to answer.
  const req = { method, headers: {}, ...content };
  if (requestRefusal(req) || documentTexts(req).some((t) => t.length > FREE_DOCUMENT_CHARS)) return null;
  return content;
}

/** The bytes in a buffer of their own (not a slice of Node's pool or of the socket's read). */
function copyOf(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}

/** `application/json`, with at most a UTF-8 charset: what fastify's JSON parser takes as it is. */
function isJson(type: string | undefined): boolean {
  if (type === 'application/json') return true;
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
