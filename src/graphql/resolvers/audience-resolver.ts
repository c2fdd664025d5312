import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Item } from '../../items/item.js';
import type { GraphQLContext } from '../context.js';
import { AudienceMemberType, SegmentAffinityType } from '../types/audience.js';
import { ItemType } from '../types/objects.js';

const AUDIENCE_DESCRIPTION =
  'The users most likely to engage, best first, each with a reason: collaborative evidence, profile similarity, segment lift and activity fused (README "Audiences"). ' +
  'Users who already interacted with an item given in itemIds are left out (for tags and text they are not: they are the strongest evidence), ' +
  'as are erased users and users flagged AUTOMATED; with text, users with nothing representable are left out.';
const FIRST = 'How many, 1 to AUDIENCE_MAX_FIRST (default 1000). A ranked top-N list, so no cursor.';

@Resolver()
export class AudienceQueryResolver {
  @Query(() => [AudienceMemberType], { description: `${AUDIENCE_DESCRIPTION} At least one of itemIds, tags and text is required (BAD_USER_INPUT); an unknown item id is NOT_FOUND.` })
  audience(
    @Arg('itemIds', () => [ID], { nullable: true, description: 'Items (at most 100): users likely to engage with any of them.' }) itemIds: string[] | null,
    @Arg('tags', () => [String], { nullable: true, description: 'Item tags (at most 100): users likely to engage with items carrying any of them.' })
    tags: string[] | null,
    @Arg('text', () => String, { nullable: true, description: 'A free-text brief ("hiking gear for beginners"), embedded like item text; its 10 nearest items count as its items.' })
    text: string | null,
    @Arg('first', () => Int, { defaultValue: 20, description: FIRST }) first: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.audience.audience({ itemIds, tags, text, first });
  }
}

@Resolver(() => ItemType)
export class ItemAudienceResolver {
  @FieldResolver(() => [AudienceMemberType], { description: `Users most likely to engage with this item (audience(itemIds: [id])). ${AUDIENCE_DESCRIPTION}` })
  audience(@Root() item: Item, @Arg('first', () => Int, { defaultValue: 20, description: FIRST }) first: number, @Ctx() { services }: GraphQLContext) {
    return services.audience.audience({ itemIds: [item.id], first });
  }

  @FieldResolver(() => [SegmentAffinityType], {
    description: 'Segments of the active run ranked by their (smoothed) lift for this item, best first; empty without an active run.',
  })
  segmentAffinity(
    @Root() item: Item,
    @Arg('limit', () => Int, { defaultValue: 10, description: 'How many, 1 to MAX_RESULT_LIMIT (default 100). A ranked top-N list, so no cursor.' }) limit: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.audience.segmentAffinity(item.id, limit);
  }
}
