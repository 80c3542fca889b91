/**
 * Issue 11, items 2 and 5: everything a WebSocket client can make the server hold is bounded (config.websocket):
 * the `connection_init` size, connections per IP (refused at the handshake), a cost per connection from the
 * caller's bucket, subscriptions per connection and per user, and the subscription id length.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signInAll } from './helpers/accounts.js';
import { startServer, type TestServer } from './helpers/server.js';
import { rawClient, until, type RawClient } from './helpers/ws.js';

const JWT_SECRET = 'l'.repeat(40);
const opened: RawClient[] = [];
afterEach(() => {
  for (const c of opened.splice(0)) c.socket.terminate();
});

const wsUrl = (s: TestServer) => `${s.url.replace(/^http/, 'ws')}/graphql`;
function open(s: TestServer, params?: Record<string, unknown>, init?: string): RawClient {
  const c = rawClient(wsUrl(s), params, { init });
  opened.push(c);
  return c;
}
const MINE = 'subscription { myOrderUpdates { id status } }';
const errorsOf = (c: RawClient, id: string) => c.messages.find((m) => m.id === id && m.type === 'error')?.payload;

describe('connections', () => {
  it('a connection_init over WS_MAX_INIT_PAYLOAD_BYTES closes the socket (4400); a small one is acknowledged', async () => {
    const s = await startServer({ JWT_SECRET, WS_MAX_INIT_PAYLOAD_BYTES: '4096' });
    const big = open(s, undefined, JSON.stringify({ type: 'connection_init', payload: { junk: 'x'.repeat(256 * 1024 - 100) } }));
    await expect(big.acked).rejects.toThrow('closed with 4400');
    const small = open(s, { junk: 'x'.repeat(3000) });
    await small.acked;
    expect(s.app.subscriptions.stats().connections).toBe(1);
  });

  it('connections per client IP are capped at the handshake (HTTP 429); a closed one frees its place', async () => {
    const s = await startServer({ JWT_SECRET, WS_MAX_CONNECTIONS_PER_IP: '3' });
    const first = [open(s), open(s), open(s)];
    await Promise.all(first.map((c) => c.acked));
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl(s), 'graphql-transport-ws');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.on('error', () => {});
    });
    expect(refused).toBe(429);
    first[0]!.socket.close();
    await until(() => s.app.subscriptions.stats().sockets === 2, 'the place freed');
    await open(s).acked;
  });

  it('1,500 hostile sockets from one address: all but the cap refused, /health answers under a second', async () => {
    const s = await startServer({ JWT_SECRET });
    const sockets: WebSocket[] = [];
    try {
      // In waves (the listen backlog is finite); half send a huge connection_init, half sit idle.
      for (let wave = 0; wave < 10; wave++) {
        const batch = Array.from({ length: 150 }, (_, i) => {
          const ws = new WebSocket(wsUrl(s), 'graphql-transport-ws');
          ws.on('error', () => {});
          if (i % 2) ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { junk: 'x'.repeat(200_000) } })));
          return ws;
        });
        sockets.push(...batch);
        await until(() => batch.every((ws) => ws.readyState !== WebSocket.CONNECTING), `wave ${wave} answered`, 20_000);
      }
      const started = Date.now();
      const health = await fetch(`${s.url}/health`);
      expect(health.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(s.app.subscriptions.stats().sockets).toBeLessThanOrEqual(100); // WS_MAX_CONNECTIONS_PER_IP
      expect(sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length).toBeLessThanOrEqual(100);
    } finally {
      for (const ws of sockets) ws.terminate();
    }
    await until(() => s.app.subscriptions.stats().sockets === 0, 'every socket freed');
  }, 120_000);

  it('each connection spends WS_CONNECTION_COST from the caller’s bucket; an empty bucket closes it with 1013', async () => {
    const s = await startServer({ JWT_SECRET, RATE_LIMIT_ANON_MAX: '1000', MAX_QUERY_COST: '1000', WS_CONNECTION_COST: '400' });
    await open(s).acked;
    await open(s).acked;
    const third = open(s);
    await expect(third.acked).rejects.toThrow('closed with 1013');
  });
});

describe('subscriptions', () => {
  it('at most WS_MAX_SUBSCRIPTIONS_PER_CONNECTION per socket; completing one frees its place', async () => {
    const s = await startServer({ JWT_SECRET, WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3' });
    const auth = await signInAll(s);
    const c = open(s, { authorization: auth.buyer.authorization });
    await c.acked;
    for (const id of ['a', 'b', 'c', 'd']) c.subscribe(id, MINE);
    await until(() => errorsOf(c, 'd') !== undefined, 'the refusal');
    expect(errorsOf(c, 'd')[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'subscriptionsPerConnection', max: 3 });
    await until(() => s.app.subscriptions.stats().listeners === 3, 'three subscriptions');
    c.send({ id: 'a', type: 'complete' });
    c.subscribe('e', MINE);
    await until(() => s.app.subscriptions.stats().listeners === 3 && s.app.subscriptions.stats().subscriptions === 3, 'e in a’s place');
    expect(errorsOf(c, 'e')).toBeUndefined();
  });

  it('at most WS_MAX_SUBSCRIPTIONS_PER_USER over all of a user’s connections', async () => {
    const s = await startServer({ JWT_SECRET, WS_MAX_SUBSCRIPTIONS_PER_USER: '4' });
    const auth = await signInAll(s);
    const [one, two] = [open(s, { authorization: auth.buyer.authorization }), open(s, { authorization: auth.buyer.authorization })];
    const other = open(s, { authorization: auth.buyer2.authorization });
    await Promise.all([one.acked, two.acked, other.acked]);
    for (const id of ['1', '2', '3']) one.subscribe(id, MINE);
    await until(() => s.app.subscriptions.stats().listeners === 3, 'three');
    two.subscribe('4', MINE);
    two.subscribe('5', MINE);
    other.subscribe('1', MINE); // another user has a budget of its own
    await until(() => errorsOf(two, '5') !== undefined, 'the refusal');
    expect(errorsOf(two, '5')[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'subscriptionsPerUser', max: 4 });
    await until(() => s.app.subscriptions.stats().listeners === 5, 'four for the buyer, one for buyer2');
    one.socket.close();
    await until(() => s.app.subscriptions.stats().listeners === 2, 'the closed socket’s places freed');
    two.subscribe('6', MINE);
    await until(() => s.app.subscriptions.stats().listeners === 3, 'a freed place reused');
  });

  it('a subscription id over WS_MAX_SUBSCRIPTION_ID_LENGTH closes the socket (4400); one at the limit is served', async () => {
    const s = await startServer({ JWT_SECRET });
    const auth = await signInAll(s);
    const ok = open(s, { authorization: auth.buyer.authorization });
    const bad = open(s, { authorization: auth.buyer.authorization });
    await Promise.all([ok.acked, bad.acked]);
    ok.subscribe('i'.repeat(128), MINE);
    await until(() => s.app.subscriptions.stats().listeners === 1, 'the subscription');
    bad.subscribe('i'.repeat(129), MINE);
    await until(() => bad.closed !== undefined, 'the close');
    expect(bad.closed).toBe(4400);
    expect(s.app.subscriptions.stats().listeners).toBe(1);
  });
});
