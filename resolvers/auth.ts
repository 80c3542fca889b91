import type { MutationResolvers, QueryResolvers } from '../src/generated/graphql.js';
import { logIn, logOut, refreshSession, signUp } from '../src/services/accounts.js';

export const authMutations: MutationResolvers = {
  signUp: (_, { input }, ctx) => signUp(ctx, input),
  logIn: (_, { email, password }, ctx) => logIn(ctx, email, password),
  refreshSession: (_, { refreshToken }, ctx) => refreshSession(ctx, refreshToken),
  logOut: (_, { refreshToken }, ctx) => logOut(ctx, refreshToken),
};

export const authQueries: QueryResolvers = {
  viewer: (_, __, ctx) => (ctx.viewer ? ctx.loaders.user.load(ctx.viewer.id) : null),
};
