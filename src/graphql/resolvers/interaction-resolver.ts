import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppError } from '../../app/errors.js';
import type { Interaction } from '../../interactions/interaction.js';
import type { GraphQLContext } from '../context.js';
import { loadersOf } from '../loaders.js';
import { InteractionType, ItemType, UserType } from '../types/objects.js';

/** Erasing a user or an item removes their interactions in the same transaction, so both ends of an interaction exist. */
async function present<T>(value: Promise<T | null>, what: string): Promise<T> {
  const found = await value;
  if (found === null) throw new AppError('NOT_FOUND', `${what} of this interaction was deleted while the request ran`);
  return found;
}

@Resolver(() => InteractionType)
export class InteractionResolver {
  @FieldResolver(() => UserType, { description: 'The user who interacted.' })
  user(@Root() interaction: Interaction, @Ctx() context: GraphQLContext) {
    return present(loadersOf(context).users.load(interaction.userId), 'the user');
  }

  @FieldResolver(() => ItemType, { description: 'The item interacted with.' })
  item(@Root() interaction: Interaction, @Ctx() context: GraphQLContext) {
    return present(loadersOf(context).items.load(interaction.itemId), 'the item');
  }
}
