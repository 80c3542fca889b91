/** A small REST client for tests: JSON in and out, plus raw bytes on the wire when compression is the question. */
import { request } from 'node:http';
import type { TestServer } from './server.js';

export interface RestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RestInit {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as JSON unless a string. */
  body?: unknown;
}

export function restClient(server: TestServer) {
  return async function rest<T = any>(path: string, init: RestInit = {}): Promise<RestResponse<T>> {
    const { method = 'GET', headers = {}, body } = init;
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, text };
  };
}

/** The response as it crossed the wire: fetch would decompress it for us, node:http does not. */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
