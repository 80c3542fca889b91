/**
 * The ceiling: a bare `node:http` server that answers each scenario's path with the exact bytes the real server
 * answered that scenario with (recorded once per run: its body and its headers, so the load generator parses the
 * same response from both), after reading the request body as a real server must.
 * Nothing can serve those bytes faster on this machine, so each scenario reports its requests per second as a
 * fraction of this server's, measured in the same run with the same load generator settings.
 *
 * As a process: `node --import tsx bench/ceiling.ts` listens on a free port and prints it.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { processCpuMs } from './cpu.js';

const ROOT = resolve(import.meta.dirname, '..');

/** A recorded response: its content type, body and headers (`content-type` among them) but node:http's own. */
export interface Recorded {
  contentType: string;
  body: string;
  /** Lower-case names, in the order the server sent them; without them only the content type is sent. */
  headers?: [string, string][];
}

export interface Ceiling {
  url: string;
  pid: number | undefined;
  /** Serve `response` at `path` from now on. */
  record(path: string, response: Recorded): Promise<void>;
  /** CPU time its process has used so far, in ms (bench/cpu.ts). */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the ceiling in a child process. It serves what `record` gives it, by path (`/product`, `/category`, …).
 * `fastify` starts the framework floor instead: a fastify instance with the app's CORS and compression plugins
 * replaying the same bytes from one route, i.e. what any fastify handler costs before it does anything. `under`: a
 * command that runs node (valgrind, for bench:instructions), with `nodeFlags`.
 */
export async function startCeiling(kind: 'node' | 'fastify' = 'node', under: string[] = [], nodeFlags: string[] = []): Promise<Ceiling> {
  const [program, ...args] = [...under, process.execPath, ...nodeFlags, '--import', 'tsx', 'bench/ceiling.ts', kind];
  const child = spawn(program!, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the ceiling exited with code ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid,
    async record(path, response) {
      const res = await fetch(`${url}${RECORD}?path=${encodeURIComponent(path)}`, { method: 'PUT', body: JSON.stringify(response) });
      if (!res.ok) throw new Error(`the ceiling refused ${path}: HTTP ${res.status}`);
    },
    cpuMs: () => processCpuMs(child.pid),
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** Where the parent registers a response to replay (not a path any scenario uses). */
const RECORD = '/__record';

function serve(): void {
  const responses = new Map<string, { headers: string[]; body: Buffer }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [path, search] = req.url!.split('?') as [string, string | undefined];
      if (path === RECORD) {
        const r = JSON.parse(Buffer.concat(chunks).toString()) as Recorded;
        const body = Buffer.from(r.body);
        const headers = (r.headers ?? [['content-type', r.contentType]]).flat();
        responses.set(new URLSearchParams(search).get('path')!, { headers: [...headers, 'content-length', String(body.length)], body });
        res.writeHead(204).end();
        return;
      }
      const r = responses.get(path);
      if (!r) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, r.headers);
      res.end(r.body);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

/** The framework floor: the app's fastify setup (CORS allow-list hook, compression) and one catch-all route. */
async function serveFastify(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const { default: cors } = await import('@fastify/cors');
  const { default: compress } = await import('@fastify/compress');
  const responses = new Map<string, Recorded>();
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });
  const corsOrigins: string[] = []; // CORS_ORIGINS unset, as in the benchmark
  await app.register(cors, { origin: (origin, done) => done(null, origin !== undefined && corsOrigins.includes(origin)) });
  await app.register(compress, { encodings: ['br', 'gzip'], threshold: 1024, globalDecompression: false });
  app.put(RECORD, async (req, reply) => {
    const r = typeof req.body === 'string' ? (JSON.parse(req.body) as Recorded) : (req.body as Recorded);
    responses.set((req.query as Record<string, string>).path!, r);
    return reply.code(204).send();
  });
  app.route({
    method: ['GET', 'POST'],
    url: '/*',
    handler: async (req, reply) => {
      const r = responses.get(req.url.split('?')[0]!);
      if (!r) return reply.code(404).send();
      for (const [k, v] of r.headers ?? [['content-type', r.contentType]]) void reply.header(k, v);
      return r.body;
    },
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${new URL(address).port}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

if (import.meta.filename === process.argv[1]) {
  if (process.argv[2] === 'fastify') await serveFastify();
  else serve();
}
