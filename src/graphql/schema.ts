import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import type { RunPubSub } from './events.js';
import { ErasureResolver } from './resolvers/erasure-resolver.js';
import { InteractionResolver } from './resolvers/interaction-resolver.js';
import { ItemResolver } from './resolvers/item-resolver.js';
import { RecommendationQueryResolver, UserRecommendationResolver } from './resolvers/recommendation-resolver.js';
import { RunResolver } from './resolvers/run-resolver.js';
import { MembershipChangeResolver, RunChangesResolver, SegmentIdentityResolver } from './resolvers/segment-identity-resolver.js';
import { SegmentResolver } from './resolvers/segment-resolver.js';
import { UserResolver } from './resolvers/user-resolver.js';
import { stopWhenRequestEnds } from './stop-when-request-ends.js';

export const resolvers = [
  UserResolver,
  ItemResolver,
  InteractionResolver,
  SegmentResolver,
  RunResolver,
  RecommendationQueryResolver,
  UserRecommendationResolver,
  ErasureResolver,
  SegmentIdentityResolver,
  RunChangesResolver,
  MembershipChangeResolver,
] as const;

/** Builds the executable schema from the decorated resolvers (code-first). */
export function buildAppSchema(pubSub: RunPubSub): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], pubSub, validate: false, globalMiddlewares: [stopWhenRequestEnds] });
}
