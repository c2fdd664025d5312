import 'reflect-metadata';
import { isInputObjectType, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import type { RunPubSub } from './events.js';
import { CorpusFitResolver } from './resolvers/corpus-fit-resolver.js';
import { AudienceQueryResolver, ItemAudienceResolver } from './resolvers/audience-resolver.js';
import { ErasureResolver } from './resolvers/erasure-resolver.js';
import { InteractionResolver } from './resolvers/interaction-resolver.js';
import { ItemResolver } from './resolvers/item-resolver.js';
import { NodeResolver } from './resolvers/node-resolver.js';
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
  AudienceQueryResolver,
  ItemAudienceResolver,
  ErasureResolver,
  NodeResolver,
  SegmentIdentityResolver,
  RunChangesResolver,
  MembershipChangeResolver,
  CorpusFitResolver,
] as const;

/** Input types of which exactly one field must be given; graphql-js 16 enforces @oneOf, type-graphql cannot declare it. */
const ONE_OF_INPUTS = ['SimilarUsersTo'];

const ROOT_DESCRIPTIONS = {
  query: 'Reads. Lists that grow are Relay connections (first/after); ranked top-N answers take `limit` instead.',
  mutation:
    'Writes. Every mutation returns a payload with the objects it wrote and `userErrors`; a payload with userErrors wrote nothing. ' +
    'Top-level errors are for authentication, limits and internal failures only (and for the deprecated recordInteractions, recluster and cancelRun).',
  subscription: 'Live updates at /graphql over WebSocket (graphql-ws) or Server-Sent Events (graphql-sse).',
};

/** Builds the executable schema from the decorated resolvers (code-first). */
export async function buildAppSchema(pubSub: RunPubSub): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [...resolvers], pubSub, validate: false, globalMiddlewares: [stopWhenRequestEnds] });
  // What type-graphql has no option for, set on the built types (plain mutable config at runtime).
  for (const name of ONE_OF_INPUTS) {
    const type = schema.getType(name);
    if (!isInputObjectType(type)) throw new Error(`@oneOf: no input type ${name}`);
    (type as { isOneOf: boolean }).isOneOf = true;
  }
  for (const [root, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const) {
    if (type) type.description = ROOT_DESCRIPTIONS[root];
  }
  return schema;
}
