import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { loadersOf } from '../loaders.js';
import { mutationPayload } from '../payloads/user-errors.js';
import { DeleteInteractionsPayloadType, DeleteItemsPayloadType, DeleteUsersPayloadType } from '../types/payloads.js';

const IDS_DESCRIPTION = 'The ids to delete (1 to MAX_BATCH_SIZE, unique); unknown ids are reported in unknownIds, not as errors.';

@Resolver()
export class ErasureResolver {
  @Mutation(() => DeleteUsersPayloadType, {
    nullable: true,
    description:
      'Deletes users with everything derived from them: vector, text, attributes, interactions, queued profile rebuilds, ' +
      'memberships and live assignments. From the answer on they appear in no query (members, totalCount, similarUsers, ' +
      'representativeUsers, recommendation neighbours). Segment keywords, traits and top items are refreshed by the next run.',
  })
  deleteUsers(@Arg('ids', () => [ID], { description: IDS_DESCRIPTION }) ids: string[], @Ctx() context: GraphQLContext) {
    return mutationPayload(
      'ids',
      async () => {
        const result = await context.services.erasure.deleteUsers(ids);
        for (const id of ids) loadersOf(context).users.clear(id);
        return result;
      },
      { deletedIds: [], unknownIds: [] },
    );
  }

  @Mutation(() => DeleteItemsPayloadType, {
    nullable: true,
    description: 'Deletes items and their interactions; they leave recommendations, similarItems and topItems at once.',
  })
  deleteItems(@Arg('ids', () => [ID], { description: IDS_DESCRIPTION }) ids: string[], @Ctx() context: GraphQLContext) {
    return mutationPayload(
      'ids',
      async () => {
        const result = await context.services.erasure.deleteItems(ids);
        for (const id of ids) loadersOf(context).items.clear(id);
        return result;
      },
      { deletedIds: [], unknownIds: [] },
    );
  }

  @Mutation(() => DeleteInteractionsPayloadType, {
    nullable: true,
    description: "Deletes a user's interactions with the given items, or all of the user's interactions when itemIds is left out.",
  })
  deleteInteractions(
    @Arg('userId', () => ID, { description: 'The user whose interactions to delete.' }) userId: string,
    @Arg('itemIds', () => [ID], {
      nullable: true,
      description: 'Only the interactions with these items (1 to MAX_BATCH_SIZE); every interaction of the user when left out.',
    })
    itemIds: string[] | null,
    @Ctx() context: GraphQLContext,
  ) {
    return mutationPayload(
      ['userId', 'itemIds'],
      async () => {
        const result = await context.services.erasure.deleteInteractions(userId, itemIds ?? null);
        return { ...result, user: await context.services.users.get(userId) };
      },
      { userId: null, user: null, deletedCount: 0, unknownItemIds: [] },
    );
  }
}
