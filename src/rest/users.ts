/** `/users/{id}`: the resolver's service call; the policy decides whether `email` shows. */
import { getUser } from '../services/users.js';
import { conditionalHeaders, idParams, optionalBearer, responses } from './parts.js';
import * as present from './present.js';
import { found, route } from './route.js';

const getUserRoute = route<{ Params: { id: string } }>({
  method: 'GET',
  url: '/users/:id',
  schema: {
    operationId: 'getUser',
    summary: 'One user; `email` only with their own (or an admin) bearer token',
    description: 'GraphQL `user(id:)`. `email` is null unless the bearer token is the user\'s own or an admin\'s; `sellerId` names the seller a SELLER runs.',
    tags: ['users'],
    ...optionalBearer,
    params: idParams('usr', 'usr_1'),
    headers: conditionalHeaders,
    response: responses(200, 'User', 'The user.', { get: true, errors: [404] }),
  },
  cost: 1,
  async handler(ctx, req) {
    return present.user(ctx, found(await getUser(ctx, req.params.id), 'User', req.params.id));
  },
});

export const userRoutes = [getUserRoute];
