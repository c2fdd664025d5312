import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Interaction } from '../../interactions/interaction.js';
import type { GraphQLContext } from '../context.js';
import { InteractionType, ItemType, UserType } from '../types/objects.js';

@Resolver(() => InteractionType)
export class InteractionResolver {
  @FieldResolver(() => UserType, { nullable: true })
  user(@Root() interaction: Interaction, @Ctx() { services }: GraphQLContext) {
    return services.users.get(interaction.userId);
  }

  @FieldResolver(() => ItemType, { nullable: true })
  item(@Root() interaction: Interaction, @Ctx() { services }: GraphQLContext) {
    return services.items.get(interaction.itemId);
  }
}
