/** Signing in the contract's demo accounts in tests. */
import { dataOf, type TestServer } from './server.js';

export const DEMO = {
  buyer: 'buyer@example.com',
  buyer2: 'buyer2@example.com',
  seller: 'seller@example.com',
  admin: 'admin@example.com',
} as const;

export type Demo = keyof typeof DEMO;

/** Signs in each demo account once; returns Authorization headers by name. */
export async function signInAll(server: TestServer): Promise<Record<Demo, Record<string, string>>> {
  const entries = await Promise.all(
    (Object.keys(DEMO) as Demo[]).map(async (name) => {
      const res = await server.gql(
        'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }',
        { e: DEMO[name], p: 'demo-password' },
      );
      return [name, { authorization: `Bearer ${dataOf<any>(res).logIn.accessToken}` }] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as Record<Demo, Record<string, string>>;
}
