import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { User } from '../../users/user.js';
import type { GraphQLContext } from '../context.js';
import { UserType } from '../types/objects.js';
import { ItemFilterInputType, RecommendationStrategyEnum, RecommendationType } from '../types/recommendation.js';

const DESCRIPTION =
  'Items for the user, best first, each with a reason. Items the user already engaged with are left out unless includeSeen. ' +
  'A user with no interactions gets segment-based results from their text or attributes; the list is never empty while items exist.';

@Resolver()
export class RecommendationQueryResolver {
  @Query(() => [RecommendationType], { description: DESCRIPTION })
  recommendations(
    @Arg('userId', () => ID) userId: string,
    @Arg('limit', () => Int, { defaultValue: 10 }) limit: number,
    @Arg('strategy', () => RecommendationStrategyEnum, { defaultValue: RecommendationStrategyEnum.BLENDED }) strategy: RecommendationStrategyEnum,
    @Arg('filter', () => ItemFilterInputType, { nullable: true }) filter: ItemFilterInputType | null,
    @Arg('includeSeen', () => Boolean, { defaultValue: false }) includeSeen: boolean,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.recommendations.recommend(userId, { limit, strategy, filter, includeSeen });
  }
}

@Resolver(() => UserType)
export class UserRecommendationResolver {
  @FieldResolver(() => [RecommendationType], { description: DESCRIPTION })
  recommendations(
    @Root() user: User,
    @Arg('limit', () => Int, { defaultValue: 10 }) limit: number,
    @Arg('strategy', () => RecommendationStrategyEnum, { defaultValue: RecommendationStrategyEnum.BLENDED }) strategy: RecommendationStrategyEnum,
    @Arg('filter', () => ItemFilterInputType, { nullable: true }) filter: ItemFilterInputType | null,
    @Arg('includeSeen', () => Boolean, { defaultValue: false }) includeSeen: boolean,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.recommendations.recommend(user.id, { limit, strategy, filter, includeSeen });
  }
}
