import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Segment } from '../../segmentation/segment.js';
import type { GraphQLContext } from '../context.js';
import { validateLimit } from '../../app/validation.js';
import { SegmentationRunType, SegmentMatchType, SegmentType, UserConnectionType } from '../types/objects.js';
import { RepresentativeUserType, SegmentItemType, SegmentMetricsType, TraitType } from '../types/segmentation.js';
import { finite } from './finite.js';

@Resolver(() => SegmentType)
export class SegmentResolver {
  @Query(() => [SegmentType], { description: 'The active run\'s segments, largest first; empty before the first run succeeds.' })
  segments(@Ctx() { services }: GraphQLContext) {
    const runId = services.segmentation.activeRunId();
    return runId ? services.segments.ofRun(runId) : [];
  }

  @Query(() => SegmentType, { nullable: true, description: 'A segment of any run by id; null when unknown.' })
  segment(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext) {
    return services.segments.get(id);
  }

  @FieldResolver(() => Int, { description: 'Members now: those the run placed plus users assigned live since, less erased users.' })
  size(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return services.memberships.size(segment);
  }

  @FieldResolver(() => UserConnectionType, { description: 'Members in a stable order, paged with first/after.' })
  async members(
    @Root() segment: Segment,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    const page = await services.memberships.members(segment, first, after);
    return {
      edges: page.users.map(({ user, cursor }) => ({ cursor, node: user })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  @Query(() => [SegmentMatchType], {
    description: 'Active segments whose centroid is nearest to the embedded query ("people who love sci-fi"), best first.',
  })
  searchSegments(
    @Arg('query', () => String) query: string,
    @Arg('limit', () => Int, { defaultValue: 5 }) limit: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.segmentSearch.search(query, limit);
  }

  @Query(() => SegmentMatchType, {
    nullable: true,
    description: 'The active segment a not-yet-known user with this text would fall into (cold start); null before the first run.',
  })
  segmentForText(@Arg('text', () => String) text: string, @Ctx() { services }: GraphQLContext) {
    return services.segmentSearch.segmentForText(text);
  }

  @FieldResolver(() => SegmentType, { nullable: true, description: 'The segment this subsegment splits; null for top-level segments.' })
  parent(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return segment.parentId ? services.segments.get(segment.parentId) : null;
  }

  @FieldResolver(() => [SegmentType], { description: 'Subsegments (when the run asked for them), largest first.' })
  children(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return segment.level === 0 ? services.segments.childrenOf(segment) : [];
  }

  @FieldResolver(() => SegmentMetricsType, { nullable: true })
  metrics(@Root() segment: Segment) {
    const m = segment.metrics;
    return m && { ...m, cohesion: finite(m.cohesion), separation: finite(m.separation) };
  }

  @FieldResolver(() => [TraitType], { description: 'Attribute distributions against all users, most distinguishing first.' })
  traits(@Root() segment: Segment) {
    return segment.traits.map((t) => ({ ...t, mean: finite(t.mean), overallMean: finite(t.overallMean) }));
  }

  @FieldResolver(() => [SegmentItemType], {
    description: 'Items members engage with most relative to overall popularity (share × lift), best first; computed by the run.',
  })
  async topItems(@Root() segment: Segment, @Arg('limit', () => Int, { defaultValue: 10 }) limit: number, @Ctx() { services }: GraphQLContext) {
    validateLimit(limit, 'limit', services.limits);
    const top = segment.topItems.slice(0, limit);
    const items = await services.items.getMany(top.map((t) => t.itemId));
    return top.filter((t) => items.has(t.itemId)).map((t) => ({ ...t, item: items.get(t.itemId)! }));
  }

  @FieldResolver(() => [RepresentativeUserType], { description: 'Members closest to the centroid, best first.' })
  representativeUsers(@Root() segment: Segment, @Arg('limit', () => Int, { defaultValue: 5 }) limit: number, @Ctx() { services }: GraphQLContext) {
    return services.memberships.representatives(segment, limit);
  }

  @FieldResolver(() => SegmentationRunType, { nullable: true, description: 'The run that found this segment.' })
  run(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return services.segmentation.getRun(segment.runId);
  }
}
