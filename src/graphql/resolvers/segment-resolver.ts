import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Segment } from '../../segmentation/segment.js';
import type { GraphQLContext } from '../context.js';
import { validateLimit } from '../../app/validation.js';
import { SegmentationRunType, SegmentMatchType, SegmentType, UserConnectionType } from '../types/objects.js';
import { RepresentativeUserType, SegmentItemType, SegmentMetricsType, TraitType } from '../types/segmentation.js';
import { loadersOf } from '../loaders.js';
import { toGlobalId } from '../node-id.js';
import { mutationPayload } from '../payloads/user-errors.js';
import { } from '../types/payloads.js';
import { AFTER_DESCRIPTION, FIRST_DESCRIPTION, toConnection } from './connection.js';
import { finite } from './finite.js';

@Resolver(() => SegmentType)
export class SegmentResolver {
  @Query(() => [SegmentType], { description: 'The active run\'s segments, largest first; empty before the first run succeeds.' })
  segments(@Ctx() { services }: GraphQLContext) {
    const runId = services.segmentation.activeRunId();
    return runId ? services.segments.ofRun(runId) : [];
  }

  @Query(() => SegmentType, { nullable: true, description: 'A segment of any run by id; null when unknown.' })
  segment(@Arg('id', () => ID, { description: 'The segment\'s id, e.g. "<runId>:0" (not the global nodeId).' }) id: string, @Ctx() context: GraphQLContext) {
    return loadersOf(context).segments.load(id);
  }

  @FieldResolver(() => ID, { description: 'Opaque global id (Node): fetch the segment again with node(id:).' })
  nodeId(@Root() segment: Segment) {
    return toGlobalId('Segment', segment.id);
  }

  @FieldResolver(() => Int, { description: 'Members now: those the run placed plus users assigned live since, less erased users.' })
  size(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return services.memberships.size(segment);
  }

  @FieldResolver(() => UserConnectionType, {
    description: 'Members in a stable order (subsegment, then user id), paged with first/after; totalCount equals size.',
  })
  async members(
    @Root() segment: Segment,
    @Arg('first', () => Int, { defaultValue: 20, description: FIRST_DESCRIPTION }) first: number,
    @Arg('after', () => String, { nullable: true, description: AFTER_DESCRIPTION }) after: string | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    const page = await services.memberships.members(segment, first, after);
    return toConnection(page.users.map(({ user, cursor }) => ({ node: user, cursor })), { hasNextPage: page.hasNextPage, after, totalCount: page.totalCount });
  }

  @Query(() => [SegmentMatchType], {
    description: 'Active segments whose centroid is nearest to the embedded query ("people who love sci-fi"), best first.',
  })
  searchSegments(
    @Arg('query', () => String, { description: 'Free text describing people, embedded like a user\'s text.' }) query: string,
    @Arg('limit', () => Int, { defaultValue: 5, description: 'How many, 1 to MAX_RESULT_LIMIT (default 100). A ranked top-N list, so no cursor.' })
    limit: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.segmentSearch.search(query, limit);
  }

  @Query(() => SegmentMatchType, {
    nullable: true,
    description: 'The active segment a not-yet-known user with this text would fall into (cold start); null before the first run.',
  })
  segmentForText(@Arg('text', () => String, { description: 'What the not-yet-known user wrote.' }) text: string, @Ctx() { services }: GraphQLContext) {
    return services.segmentSearch.segmentForText(text);
  }

  @FieldResolver(() => SegmentType, { nullable: true, description: 'The segment this subsegment splits; null for top-level segments.' })
  parent(@Root() segment: Segment, @Ctx() context: GraphQLContext) {
    return segment.parentId ? loadersOf(context).segments.load(segment.parentId) : null;
  }

  @FieldResolver(() => [SegmentType], { description: 'Subsegments (when the run asked for them), largest first.' })
  children(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return segment.level === 0 ? services.segments.childrenOf(segment) : [];
  }

  @FieldResolver(() => SegmentMetricsType, { description: 'Quality figures the run computed for this segment.' })
  metrics(@Root() segment: Segment) {
    // Every run writes metrics with its segments: a segment without them is a storage fault, not a state to show.
    const m = segment.metrics;
    if (!m) throw new Error(`segment ${segment.id} is stored without metrics`);
    return { ...m, cohesion: finite(m.cohesion), separation: finite(m.separation) };
  }

  @FieldResolver(() => [TraitType], { description: 'Attribute distributions against all users, most distinguishing first.' })
  traits(@Root() segment: Segment) {
    return segment.traits.map((t) => ({ ...t, mean: finite(t.mean), overallMean: finite(t.overallMean) }));
  }

  @FieldResolver(() => [SegmentItemType], {
    description: 'Items members engage with most relative to overall popularity (share × lift), best first; computed by the run.',
  })
  async topItems(
    @Root() segment: Segment,
    @Arg('limit', () => Int, { defaultValue: 10, description: 'How many, 1 to MAX_RESULT_LIMIT (default 100). A ranked top-N list, so no cursor.' })
    limit: number,
    @Ctx() context: GraphQLContext,
  ) {
    validateLimit(limit, 'limit', context.services.limits);
    const top = segment.topItems.slice(0, limit);
    // One loader call per item: the loader batches them, across every segment of the request, into one store call.
    const items = await Promise.all(top.map((t) => loadersOf(context).items.load(t.itemId)));
    return top.flatMap((t, i) => (items[i] ? [{ ...t, item: items[i] }] : []));
  }

  @FieldResolver(() => [RepresentativeUserType], { description: 'Members closest to the centroid, best first.' })
  representativeUsers(
    @Root() segment: Segment,
    @Arg('limit', () => Int, { defaultValue: 5, description: 'How many, 1 to MAX_RESULT_LIMIT (default 100). A ranked top-N list, so no cursor.' })
    limit: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.memberships.representatives(segment, limit);
  }

  @FieldResolver(() => SegmentationRunType, { description: 'The run that found this segment.' })
  async run(@Root() segment: Segment, @Ctx() context: GraphQLContext) {
    const run = await loadersOf(context).runs.load(segment.runId);
    if (!run) throw new Error(`segment ${segment.id} names run ${segment.runId}, which is not stored`);
    return run;
  }
}
