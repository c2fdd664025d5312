import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { validateLimit } from '../../app/validation.js';
import type { User } from '../../users/user.js';
import type { GraphQLContext } from '../context.js';
import { UserInputType } from '../types/inputs.js';
import { InteractionType, SegmentType, SimilarUserType, UpsertResultType, UserType } from '../types/objects.js';

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserType, { nullable: true, description: 'A user by id; null when unknown.' })
  user(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext) {
    return services.users.get(id);
  }

  @Query(() => [SimilarUserType], {
    name: 'similarUsers',
    description: 'Users nearest to a stored user (give userId) or to a free text (give text), best first.',
  })
  findSimilarUsers(
    @Arg('userId', () => ID, { nullable: true }) userId: string | null,
    @Arg('text', () => String, { nullable: true }) text: string | null,
    @Arg('limit', () => Int, { defaultValue: 10 }) limit: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.users.similar({ userId, text }, limit);
  }

  @Mutation(() => UpsertResultType, {
    description: 'Creates or replaces users by id and embeds their text. All rows are checked first: a rejected batch writes nothing.',
  })
  upsertUsers(@Arg('users', () => [UserInputType]) users: UserInputType[], @Ctx() { services }: GraphQLContext) {
    return services.users.upsert(users);
  }

  @FieldResolver(() => SegmentType, { nullable: true, description: 'The user\'s segment in the active run.' })
  segment(@Root() user: User, @Ctx() { services }: GraphQLContext) {
    return services.memberships.segmentOf(user);
  }

  @FieldResolver(() => SegmentType, { nullable: true, description: 'The user\'s subsegment in the active run, when it has a hierarchy.' })
  subsegment(@Root() user: User, @Ctx() { services }: GraphQLContext) {
    return services.memberships.segmentOf(user, 1);
  }

  @FieldResolver(() => [SimilarUserType], { description: 'Users most like this one, best first.' })
  similarUsers(@Root() user: User, @Arg('limit', () => Int, { defaultValue: 10 }) limit: number, @Ctx() { services }: GraphQLContext) {
    return services.users.similar({ userId: user.id }, limit);
  }

  @FieldResolver(() => [InteractionType], { description: 'The user\'s interactions, newest first.' })
  interactions(@Root() user: User, @Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() { services }: GraphQLContext) {
    validateLimit(first, 'first', services.limits);
    return services.interactions.forUser(user.id, first);
  }

  @FieldResolver(() => Boolean, {
    description: 'True when the user\'s segment was given live (nearest centroid) after the active run finished.',
  })
  liveAssigned(@Root() user: User, @Ctx() { services }: GraphQLContext) {
    return services.memberships.isLiveAssigned(user.id);
  }
}
