/** `POST /auth/login`: GraphQL's `logIn`, the same service, so the same throttling and the same one message. */
import { KDF_COST_POINTS } from '../auth/password.js';
import { encodeId } from '../ids.js';
import { logIn } from '../services/accounts.js';
import { responses } from './parts.js';
import { BASE } from './present.js';
import { route } from './route.js';

/** Writes spend 10 points, as a mutation does on Shopify's GraphQL API. */
export const WRITE_COST = 10;

const loginRoute = route<{ Body: { email: string; password: string } }>({
  method: 'POST',
  url: '/auth/login',
  schema: {
    operationId: 'logIn',
    summary: 'Sign in: email and password → tokens',
    description:
      'Any failure is 401 with one message. Repeated failures slow down, then lock briefly: 429 with `Retry-After`.',
    tags: ['auth'],
    body: {
      type: 'object',
      required: ['email', 'password'],
      additionalProperties: false,
      properties: {
        email: { type: 'string', maxLength: 254, examples: ['buyer@example.com'] },
        password: { type: 'string', maxLength: 256, examples: ['demo-password'] },
      },
    },
    response: responses(200, 'Tokens', 'Signed in.'),
  },
  cost: KDF_COST_POINTS, // a password check, as GraphQL's logIn
  async handler(ctx, req) {
    const { accessToken, refreshToken, expiresIn, user } = await logIn(ctx, req.body.email, req.body.password);
    const userId = encodeId('User', user.id);
    return { accessToken, refreshToken, expiresIn, userId, _links: { user: { href: `${BASE}/users/${userId}` } } };
  },
});

export const authRoutes = [loginRoute];
