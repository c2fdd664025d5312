import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { User } from '../../users/user.js';
import type { GraphQLContext } from '../context.js';
import { UserType } from '../types/objects.js';
import { ItemFilterInputType, RecommendationStrategyEnum, RecommendationType } from '../types/recommendation.js';

const DESCRIPTION =
  'Items for the user, best first, each with a reason. Items the user already engaged with are left out unless includeSeen. ' +
  'A user with no interactions gets segment-based results from their text or attributes; the list is never empty while items exist.';

/** The arguments shared by Query.recommendations and User.recommendations. */
@ArgsType()
class RecommendationArgs {
  @Field(() => Int, { defaultValue: 10, description: 'How many, 1 to MAX_RESULT_LIMIT (default 100). A ranked top-N list, so no cursor.' })
  limit!: number;

  @Field(() => RecommendationStrategyEnum, { defaultValue: RecommendationStrategyEnum.BLENDED, description: 'How to find them.' })
  strategy!: RecommendationStrategyEnum;

  @Field(() => ItemFilterInputType, { nullable: true, description: 'Restrict the candidate items; every item when left out.' })
  filter?: ItemFilterInputType | null;

  @Field(() => Boolean, { defaultValue: false, description: 'Also recommend items the user already engaged with.' })
  includeSeen!: boolean;
}

@ArgsType()
class UserRecommendationArgs extends RecommendationArgs {
  @Field(() => ID, { description: 'The user to recommend for; an unknown id is NOT_FOUND.' })
  userId!: string;
}

@Resolver()
export class RecommendationQueryResolver {
  @Query(() => [RecommendationType], { description: DESCRIPTION })
  recommendations(@Args(() => UserRecommendationArgs) { userId, ...args }: UserRecommendationArgs, @Ctx() { services }: GraphQLContext) {
    return services.recommendations.recommend(userId, args);
  }
}

@Resolver(() => UserType)
export class UserRecommendationResolver {
  @FieldResolver(() => [RecommendationType], { description: DESCRIPTION })
  recommendations(@Root() user: User, @Args(() => RecommendationArgs) args: RecommendationArgs, @Ctx() { services }: GraphQLContext) {
    return services.recommendations.recommend(user.id, args);
  }
}
