/**
 * A bare graphql-transport-ws client over `ws`, for tests that need to see exactly what the server sends (or to
 * stop reading): every message it receives, its close code, and the raw socket.
 */
import WebSocket from 'ws';

export interface RawClient {
  socket: WebSocket;
  /** Every message received, parsed. */
  messages: any[];
  /** The close code, once closed. */
  closed?: number;
  /** `next` payloads for one subscription id. */
  nexts(id: string): any[];
  send(message: object): void;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  /** Resolves once the server acknowledged `connection_init` (or rejects when it closed instead). */
  acked: Promise<void>;
}

export function rawClient(wsUrl: string, params?: Record<string, unknown>, options: { init?: string } = {}): RawClient {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const client = {
    socket,
    messages: [] as any[],
    closed: undefined as number | undefined,
    nexts: (id: string) => client.messages.filter((m) => m.id === id && m.type === 'next').map((m) => m.payload),
    send: (message: object) => socket.send(JSON.stringify(message)),
    subscribe: (id: string, query: string, variables?: Record<string, unknown>) =>
      client.send({ id, type: 'subscribe', payload: { query, variables } }),
  } as RawClient;
  client.acked = new Promise<void>((resolve, reject) => {
    socket.on('open', () => socket.send(options.init ?? JSON.stringify({ type: 'connection_init', payload: params ?? {} })));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      client.messages.push(message);
      if (message.type === 'connection_ack') resolve();
    });
    socket.on('close', (code) => {
      client.closed = code;
      reject(new Error(`closed with ${code}`));
    });
    socket.on('error', (err) => reject(err));
  });
  client.acked.catch(() => {});
  return client;
}

/** Polls until `ready()` holds; fails after `ms`. */
export async function until(ready: () => boolean, what = 'condition', ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
