import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Item } from '../../items/item.js';
import { validateLimit } from '../../app/validation.js';
import type { GraphQLContext } from '../context.js';
import { InteractionInputType, ItemInputType } from '../types/inputs.js';
import { ItemType, SimilarItemType, UpsertResultType } from '../types/objects.js';

@Resolver(() => ItemType)
export class ItemResolver {
  @Query(() => ItemType, { nullable: true, description: 'An item by id; null when unknown.' })
  item(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext) {
    return services.items.get(id);
  }

  @Mutation(() => UpsertResultType, {
    description: 'Creates or replaces items by id and embeds title, description and tags. A rejected batch writes nothing.',
  })
  upsertItems(@Arg('items', () => [ItemInputType]) items: ItemInputType[], @Ctx() { services }: GraphQLContext) {
    return services.items.upsert(items);
  }

  @Mutation(() => Int, {
    description: 'Records interactions; every user and item must exist. Returns how many were recorded; a rejected batch records none.',
  })
  recordInteractions(
    @Arg('interactions', () => [InteractionInputType]) interactions: InteractionInputType[],
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.interactions.record(interactions);
  }

  @FieldResolver(() => [SimilarItemType], { description: 'Items nearest to this one, best first.' })
  similarItems(@Root() item: Item, @Arg('limit', () => Int, { defaultValue: 10 }) limit: number, @Ctx() { services }: GraphQLContext) {
    validateLimit(limit, 'limit', services.limits);
    return services.items.similarTo(item.id, limit);
  }
}
