import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput } from '../../app/errors.js';
import { validateLimit } from '../../app/validation.js';
import { isScrollPosition } from '../../browse/scroll-page.js';
import type { InteractionPosition } from '../../interactions/interaction-repository.js';
import type { User } from '../../users/user.js';
import type { GraphQLContext } from '../context.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { loadersOf } from '../loaders.js';
import { toGlobalId } from '../node-id.js';
import { mutationPayload } from '../payloads/user-errors.js';
import { InteractionConnectionType, UsersFilterInputType } from '../types/connections.js';
import { SimilarUsersToInputType, UserInputType } from '../types/inputs.js';
import { InteractionType, SegmentType, SimilarUserType, UserConnectionType, UserType } from '../types/objects.js';
import { UpsertUsersPayloadType } from '../types/payloads.js';
import { AFTER_DESCRIPTION, FIRST_DESCRIPTION, toConnection } from './connection.js';

const LIMIT_DESCRIPTION = 'How many to return, 1 to MAX_RESULT_LIMIT (default 100). A ranked top-N list, so no cursor.';

const isInteractionPosition = (v: unknown): v is InteractionPosition =>
  typeof v === 'object' && v !== null && Number.isInteger((v as InteractionPosition).atMs) && Number.isInteger((v as InteractionPosition).seq);

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserType, { nullable: true, description: 'A user by id; null when unknown.' })
  user(@Arg('id', () => ID, { description: 'The user\'s id (not the global nodeId).' }) id: string, @Ctx() context: GraphQLContext) {
    return loadersOf(context).users.load(id);
  }

  @Query(() => UserConnectionType, {
    description:
      'Every user (or those matching filter), paged in a stable order (the store\'s order, or the segment\'s member order with segmentId).',
  })
  async users(
    @Arg('first', () => Int, { defaultValue: 20, description: FIRST_DESCRIPTION }) first: number,
    @Arg('after', () => String, { nullable: true, description: AFTER_DESCRIPTION }) after: string | null,
    @Arg('filter', () => UsersFilterInputType, { nullable: true, description: 'Which users; every user when left out.' })
    filter: UsersFilterInputType | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    const attributes = filter?.attributes ?? [];
    if (filter?.segmentId != null) {
      if (attributes.length > 0) throw badInput('filter: give attributes or segmentId, not both');
      const segment = await services.memberships.requireSegment(filter.segmentId);
      const page = await services.memberships.members(segment, first, after);
      return toConnection(page.users.map(({ user, cursor }) => ({ node: user, cursor })), { hasNextPage: page.hasNextPage, after, totalCount: page.totalCount });
    }
    const position = after == null ? null : decodeCursor('users', after, isScrollPosition);
    const page = await services.users.list(first, position, attributes);
    const rows = page.rows.map(({ user, position: p }) => ({ node: user, cursor: encodeCursor('users', p) }));
    return toConnection(rows, { hasNextPage: page.hasNextPage, after, totalCount: page.totalCount });
  }

  @Query(() => [SimilarUserType], {
    name: 'similarUsers',
    description: 'Users nearest to a stored user or to a free text (give `to`), best first.',
  })
  findSimilarUsers(
    @Arg('to', () => SimilarUsersToInputType, { nullable: true, description: 'A stored user or a free text (exactly one).' })
    to: SimilarUsersToInputType | null,
    @Arg('userId', () => ID, { nullable: true, description: 'Users like this stored user.', deprecationReason: 'Use to: { userId }.' })
    userId: string | null,
    @Arg('text', () => String, { nullable: true, description: 'Users close to this text.', deprecationReason: 'Use to: { text }.' })
    text: string | null,
    @Arg('limit', () => Int, { defaultValue: 10, description: LIMIT_DESCRIPTION }) limit: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    if (to && (userId != null || text != null)) throw badInput('similarUsers: give `to`, or the deprecated userId/text, not both');
    return services.users.similar(to ? { userId: to.userId ?? null, text: to.text ?? null } : { userId, text }, limit);
  }

  @Mutation(() => UpsertUsersPayloadType, {
    nullable: true,
    description:
      'Creates or replaces users by id and embeds their text (1 to MAX_BATCH_SIZE users, default 1000). All rows are checked first: ' +
      'when userErrors is not empty nothing was written.',
  })
  upsertUsers(
    @Arg('users', () => [UserInputType], { description: 'The users to write; ids unique within the batch.' }) users: UserInputType[],
    @Ctx() context: GraphQLContext,
  ) {
    return mutationPayload(
      'users',
      async () => {
        const result = await context.services.users.upsert(users);
        const stored = await context.services.users.getMany(result.ids);
        const loaders = loadersOf(context);
        for (const id of result.ids) loaders.users.clear(id);
        for (const user of stored.values()) loaders.profileTexts.clear(user);
        return { ...result, users: result.ids.map((id) => stored.get(id)).filter((u): u is User => u !== undefined) };
      },
      { users: [], count: 0, created: 0, updated: 0, ids: [], warnings: [] },
    );
  }

  @FieldResolver(() => ID, { description: 'Opaque global id (Node): fetch the user again with node(id:).' })
  nodeId(@Root() user: User) {
    return toGlobalId('User', user.id);
  }

  // Declared on UserType (so the schema keeps its field order); resolved here.
  @FieldResolver(() => String)
  profileText(@Root() user: User, @Ctx() context: GraphQLContext) {
    // Derived on demand (not stored in the user record): every user of a list in one batch.
    return loadersOf(context).profileTexts.load(user);
  }

  @FieldResolver(() => SegmentType, { nullable: true, description: 'The user\'s segment in the active run; null before the first run, or outside its filter.' })
  async segment(@Root() user: User, @Ctx() context: GraphQLContext) {
    const id = await context.services.memberships.segmentIdOfUser(user);
    return id === null ? null : loadersOf(context).segments.load(id);
  }

  @FieldResolver(() => SegmentType, { nullable: true, description: 'The user\'s subsegment in the active run; null without a hierarchy.' })
  async subsegment(@Root() user: User, @Ctx() context: GraphQLContext) {
    const id = await context.services.memberships.segmentIdOfUser(user, 1);
    return id === null ? null : loadersOf(context).segments.load(id);
  }

  @FieldResolver(() => [SimilarUserType], { description: 'Users most like this one, best first.' })
  similarUsers(
    @Root() user: User,
    @Arg('limit', () => Int, { defaultValue: 10, description: LIMIT_DESCRIPTION }) limit: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.users.similar({ userId: user.id }, limit);
  }

  @FieldResolver(() => [InteractionType], {
    description: 'The user\'s most recent interactions, newest first.',
    deprecationReason: 'Use interactionsConnection, which pages with cursors and gives totalCount.',
  })
  interactions(
    @Root() user: User,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, 1 to MAX_RESULT_LIMIT (default 100).' }) first: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    validateLimit(first, 'first', services.limits);
    return services.interactions.forUser(user.id, first);
  }

  @FieldResolver(() => InteractionConnectionType, { description: 'The user\'s interactions, newest first, paged with first/after.' })
  interactionsConnection(
    @Root() user: User,
    @Arg('first', () => Int, { defaultValue: 20, description: FIRST_DESCRIPTION }) first: number,
    @Arg('after', () => String, { nullable: true, description: AFTER_DESCRIPTION }) after: string | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    validateLimit(first, 'first', services.limits);
    const position = after == null ? null : decodeCursor('interactions', after, isInteractionPosition);
    const rows = services.interactions.pageForUser(user.id, first + 1, position);
    const edges = rows.slice(0, first).map((r) => ({ node: r.interaction, cursor: encodeCursor('interactions', r.position) }));
    return toConnection(edges, { hasNextPage: rows.length > first, after, totalCount: services.interactions.countForUser(user.id) });
  }

  @FieldResolver(() => [String], {
    description:
      'Flags from the event-cleaning rules, e.g. AUTOMATED (event rate above AUTOMATED_EVENTS_PER_MINUTE sustained over AUTOMATED_WINDOW_MS): such users are left out of popularity and segment statistics.',
  })
  flags(@Root() user: User, @Ctx() { services }: GraphQLContext) {
    return services.interactions.flagsOf(user.id);
  }

  @FieldResolver(() => Boolean, {
    description: 'True when the user\'s segment was given live (nearest centroid) after the active run finished.',
  })
  liveAssigned(@Root() user: User, @Ctx() { services }: GraphQLContext) {
    return services.memberships.isLiveAssigned(user.id);
  }
}
