/** GraphQL calls the scenarios make to set themselves up: sign in, sign up, mutations. */

/** Posts an operation and returns its data; throws on HTTP or GraphQL errors. */
export async function gql(base: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<any> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as { data?: any; errors?: unknown[] };
  if (!res.ok || json.errors) throw new Error(`HTTP ${res.status}: ${JSON.stringify(json.errors ?? json).slice(0, 300)}`);
  return json.data;
}

/** A demo account's access token (password `demo-password`). */
export async function logIn(base: string, email: string): Promise<string> {
  const data = await gql(base, 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }', {
    e: email,
    p: 'demo-password',
  });
  return data.logIn.accessToken;
}
