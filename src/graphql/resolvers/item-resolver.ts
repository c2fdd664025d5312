import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Item } from '../../items/item.js';
import { validateLimit } from '../../app/validation.js';
import { isScrollPosition } from '../../browse/scroll-page.js';
import type { GraphQLContext } from '../context.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { loadersOf } from '../loaders.js';
import { toGlobalId } from '../node-id.js';
import { mutationPayload } from '../payloads/user-errors.js';
import { ItemConnectionType, ItemsFilterInputType } from '../types/connections.js';
import { InteractionInputType, ItemInputType } from '../types/inputs.js';
import { ItemType, SimilarItemType } from '../types/objects.js';
import { CreateInteractionsPayloadType, UpsertItemsPayloadType } from '../types/payloads.js';
import { AFTER_DESCRIPTION, FIRST_DESCRIPTION, toConnection } from './connection.js';

const INTERACTIONS_DESCRIPTION = 'The interactions to record (1 to MAX_BATCH_SIZE, default 1000); every user and item must exist.';

@Resolver(() => ItemType)
export class ItemResolver {
  @Query(() => ItemType, { nullable: true, description: 'An item by id; null when unknown.' })
  item(@Arg('id', () => ID, { description: 'The item\'s id (not the global nodeId).' }) id: string, @Ctx() context: GraphQLContext) {
    return loadersOf(context).items.load(id);
  }

  @Query(() => ItemConnectionType, { description: 'Every item (or those matching filter), paged in a stable order.' })
  async items(
    @Arg('first', () => Int, { defaultValue: 20, description: FIRST_DESCRIPTION }) first: number,
    @Arg('after', () => String, { nullable: true, description: AFTER_DESCRIPTION }) after: string | null,
    @Arg('filter', () => ItemsFilterInputType, { nullable: true, description: 'Which items; every item when left out.' })
    filter: ItemsFilterInputType | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    const position = after == null ? null : decodeCursor('items', after, isScrollPosition);
    const page = await services.items.list(first, position, filter?.tags ?? null);
    const rows = page.rows.map(({ item, position: p }) => ({ node: item, cursor: encodeCursor('items', p) }));
    return toConnection(rows, { hasNextPage: page.hasNextPage, after, totalCount: page.totalCount });
  }

  @Mutation(() => UpsertItemsPayloadType, {
    nullable: true,
    description:
      'Creates or replaces items by id and embeds title, description and tags (1 to MAX_BATCH_SIZE items, default 1000). ' +
      'When userErrors is not empty nothing was written.',
  })
  upsertItems(
    @Arg('items', () => [ItemInputType], { description: 'The items to write; ids unique within the batch.' }) items: ItemInputType[],
    @Ctx() context: GraphQLContext,
  ) {
    return mutationPayload(
      'items',
      async () => {
        const result = await context.services.items.upsert(items);
        const stored = await context.services.items.getMany(result.ids);
        const loader = loadersOf(context).items;
        for (const id of result.ids) loader.clear(id);
        return { ...result, items: result.ids.map((id) => stored.get(id)).filter((i): i is Item => i !== undefined) };
      },
      { items: [], count: 0, created: 0, updated: 0, ids: [], warnings: [] },
    );
  }

  @Mutation(() => CreateInteractionsPayloadType, {
    nullable: true,
    description:
      'Records interactions, dropping exact duplicates and repeated VIEWs (see the payload counts). When userErrors is not empty (bad values, unknown users or items) none was recorded.',
  })
  async createInteractions(
    @Arg('interactions', () => [InteractionInputType], { description: INTERACTIONS_DESCRIPTION }) interactions: InteractionInputType[],
    @Ctx() { services }: GraphQLContext,
  ) {
    return mutationPayload(
      'interactions',
      async () => {
        const batch = await services.interactions.recordAll(interactions);
        return { interactions: batch.recorded, count: batch.recorded.length, duplicatesDropped: batch.duplicatesDropped, viewsCollapsed: batch.viewsCollapsed };
      },
      { interactions: [], count: 0, duplicatesDropped: 0, viewsCollapsed: 0 },
    );
  }

  @Mutation(() => Int, {
    nullable: true,
    description: 'Records interactions; returns how many. Input problems are top-level errors (BAD_USER_INPUT, NOT_FOUND) and record none.',
    deprecationReason: 'Use createInteractions, which reports input problems as userErrors and returns the interactions.',
  })
  recordInteractions(
    @Arg('interactions', () => [InteractionInputType], { description: INTERACTIONS_DESCRIPTION }) interactions: InteractionInputType[],
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.interactions.record(interactions);
  }

  @FieldResolver(() => ID, { description: 'Opaque global id (Node): fetch the item again with node(id:).' })
  nodeId(@Root() item: Item) {
    return toGlobalId('Item', item.id);
  }

  @FieldResolver(() => [SimilarItemType], { description: 'Items nearest to this one (itself left out), best first.' })
  similarItems(
    @Root() item: Item,
    @Arg('limit', () => Int, { defaultValue: 10, description: 'How many, 1 to MAX_RESULT_LIMIT (default 100). A ranked top-N list, so no cursor.' })
    limit: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    validateLimit(limit, 'limit', services.limits);
    return services.items.similarTo(item.id, limit);
  }
}
