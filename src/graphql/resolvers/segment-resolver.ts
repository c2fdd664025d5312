import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Segment } from '../../segmentation/segment.js';
import type { GraphQLContext } from '../context.js';
import { SegmentationRunType, SegmentType, UserConnectionType } from '../types/objects.js';

@Resolver(() => SegmentType)
export class SegmentResolver {
  @Query(() => [SegmentType], { description: 'The active run\'s segments, largest first; empty before the first run succeeds.' })
  segments(@Ctx() { services }: GraphQLContext) {
    return services.segmentation.activeSegments();
  }

  @Query(() => SegmentType, { nullable: true, description: 'A segment of any run by id; null when unknown.' })
  segment(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext) {
    return services.segmentation.getSegment(id);
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

  @FieldResolver(() => SegmentationRunType, { nullable: true, description: 'The run that found this segment.' })
  run(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return services.segmentation.getRun(segment.runId);
  }
}
