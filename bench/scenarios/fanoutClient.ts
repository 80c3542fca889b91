/**
 * Subscribers for the fan-out scenario, in a process of their own: opens `count` WebSocket connections
 * (graphql-ws over `ws`, as a real client), each with one subscription, and records when each event arrives.
 *
 * `node --import tsx bench/scenarios/fanoutClient.ts '<FanoutClientSpec as JSON>'`, then line by line on stdio:
 * it prints `{"ready":n}` once every connection is acknowledged and subscribed; `report` on stdin prints
 * `{"arrivals":{"evt_…":[ms, …]}}` (epoch milliseconds, sub-millisecond precision); `close` disposes and exits.
 */
import { createInterface } from 'node:readline';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface FanoutClientSpec {
  wsUrl: string;
  token: string;
  count: number;
  query: string;
  /** Connections opened at once (the server's listen backlog is finite). @default 200 */
  batch?: number;
}

const now = () => performance.timeOrigin + performance.now();

async function main(spec: FanoutClientSpec) {
  const clients: Client[] = [];
  const arrivals: Record<string, number[]> = {};
  const batch = spec.batch ?? 200;
  for (let start = 0; start < spec.count; start += batch) {
    const opening: Promise<void>[] = [];
    for (let i = start; i < Math.min(spec.count, start + batch); i++) {
      opening.push(
        new Promise<void>((connected, failed) => {
          const client = createClient({
            url: spec.wsUrl,
            webSocketImpl: WebSocket,
            lazy: false,
            retryAttempts: 0,
            keepAlive: 0,
            connectionParams: { authorization: `Bearer ${spec.token}` },
            on: { connected: () => connected(), closed: (e) => failed(new Error(`closed: ${JSON.stringify(e)}`)) },
          });
          clients.push(client);
          client.subscribe(
            { query: spec.query },
            {
              next(result: any) {
                const at = now();
                const events = result.data?.myOrderUpdates?.events;
                const id = events?.[events.length - 1]?.id ?? 'unknown';
                (arrivals[id] ??= []).push(at);
              },
              error: (err) => process.stderr.write(`subscription error: ${JSON.stringify(err)}\n`),
              complete: () => {},
            },
          );
        }),
      );
    }
    await Promise.all(opening);
  }
  process.stdout.write(`${JSON.stringify({ ready: clients.length })}\n`);

  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'report') process.stdout.write(`${JSON.stringify({ arrivals })}\n`);
    if (line === 'close') {
      await Promise.all(clients.map((c) => c.dispose()));
      process.exit(0);
    }
  }
}

await main(JSON.parse(process.argv[2]!) as FanoutClientSpec);
