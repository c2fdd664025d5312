import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('DeletionResult', { description: 'What a delete mutation removed. Deleting is idempotent: ids already gone are listed as unknown.' })
export class DeletionResultType {
  @Field(() => [ID], { description: 'Ids that existed and are now deleted.' })
  deletedIds!: string[];

  @Field(() => [ID], { description: 'Ids that did not exist.' })
  unknownIds!: string[];
}

@ObjectType('InteractionDeletionResult', { description: 'What deleteInteractions removed.' })
export class InteractionDeletionResultType {
  @Field(() => ID, { description: 'The user whose interactions were deleted.' })
  userId!: string;

  @Field(() => Int, { description: 'Interactions removed.' })
  deletedCount!: number;

  @Field(() => [ID], { description: 'Item ids given for which the user had no interactions.' })
  unknownItemIds!: string[];
}
