import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { DeletionResultType, InteractionDeletionResultType } from '../types/erasure.js';

@Resolver()
export class ErasureResolver {
  @Mutation(() => DeletionResultType, {
    description:
      'Deletes users with everything derived from them: vector, text, attributes, interactions, queued profile rebuilds, ' +
      'memberships and live assignments. From the answer on they appear in no query (members, totalCount, similarUsers, ' +
      'representativeUsers, recommendation neighbours). Segment keywords, traits and top items are refreshed by the next run.',
  })
  deleteUsers(@Arg('ids', () => [ID]) ids: string[], @Ctx() { services }: GraphQLContext) {
    return services.erasure.deleteUsers(ids);
  }

  @Mutation(() => DeletionResultType, {
    description: 'Deletes items and their interactions; they leave recommendations, similarItems and topItems at once.',
  })
  deleteItems(@Arg('ids', () => [ID]) ids: string[], @Ctx() { services }: GraphQLContext) {
    return services.erasure.deleteItems(ids);
  }

  @Mutation(() => InteractionDeletionResultType, {
    description: "Deletes a user's interactions with the given items, or all of the user's interactions when itemIds is left out.",
  })
  deleteInteractions(
    @Arg('userId', () => ID) userId: string,
    @Arg('itemIds', () => [ID], { nullable: true }) itemIds: string[] | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.erasure.deleteInteractions(userId, itemIds ?? null);
  }
}
