import { Field, ID, Int, ObjectType } from 'type-graphql';
import { EmbeddingWarningType, InteractionType, ItemType, SegmentationRunType, SegmentType, UserType } from './objects.js';
import { UserErrorType } from './user-error.js';

/*
 * Mutation payloads (the convention of Shopify's and GitHub's APIs): each mutation returns the
 * objects it wrote, so normalized caches (Apollo, urql) update, and `userErrors` for input
 * problems. A payload with userErrors wrote nothing; its other fields are then empty or zero.
 */

const USER_ERRORS = 'Problems with the input; when not empty, nothing was written.';

@ObjectType('UpsertUsersPayload', { description: 'What upsertUsers wrote, or why it wrote nothing.' })
export class UpsertUsersPayloadType {
  @Field(() => [UserType], { description: 'The users as stored now, in input order; empty when rejected.' })
  users!: UserType[];

  @Field(() => Int, { description: 'Users written (created + updated); 0 when rejected.' })
  count!: number;

  @Field(() => Int, { description: 'Users that did not exist before.' })
  created!: number;

  @Field(() => Int, { description: 'Users that existed and were replaced.' })
  updated!: number;

  @Field(() => [ID], { description: 'Ids written, in input order.', deprecationReason: 'Use users { id }.' })
  ids!: string[];

  @Field(() => [EmbeddingWarningType], {
    description: 'Users whose text the model could represent little (coverage below 0.5) or none of; written all the same.',
  })
  warnings!: EmbeddingWarningType[];

  @Field(() => [UserErrorType], { description: USER_ERRORS })
  userErrors!: UserErrorType[];
}

@ObjectType('UpsertItemsPayload', { description: 'What upsertItems wrote, or why it wrote nothing.' })
export class UpsertItemsPayloadType {
  @Field(() => [ItemType], { description: 'The items as stored now, in input order; empty when rejected.' })
  items!: ItemType[];

  @Field(() => Int, { description: 'Items written (created + updated); 0 when rejected.' })
  count!: number;

  @Field(() => Int, { description: 'Items that did not exist before.' })
  created!: number;

  @Field(() => Int, { description: 'Items that existed and were replaced.' })
  updated!: number;

  @Field(() => [ID], { description: 'Ids written, in input order.', deprecationReason: 'Use items { id }.' })
  ids!: string[];

  @Field(() => [EmbeddingWarningType], { description: 'Always empty for items: item texts are not checked for coverage.' })
  warnings!: EmbeddingWarningType[];

  @Field(() => [UserErrorType], { description: USER_ERRORS })
  userErrors!: UserErrorType[];
}

@ObjectType('CreateInteractionsPayload', { description: 'What createInteractions recorded, or why it recorded nothing.' })
export class CreateInteractionsPayloadType {
  @Field(() => [InteractionType], { description: 'The interactions recorded, in input order (with `at` filled in); empty when rejected.' })
  interactions!: InteractionType[];

  @Field(() => Int, { description: 'Interactions recorded; 0 when rejected.' })
  count!: number;

  @Field(() => Int, {
    description: 'Exact duplicates (same user, item, kind, value and time, within the batch or already stored) dropped, not recorded.',
  })
  duplicatesDropped!: number;

  @Field(() => Int, {
    description: 'VIEWs dropped because the same user viewed the same item within INTERACTION_DEDUP_WINDOW_MS (before or after).',
  })
  viewsCollapsed!: number;

  @Field(() => [UserErrorType], { description: USER_ERRORS })
  userErrors!: UserErrorType[];
}

@ObjectType('DeleteUsersPayload', {
  description: 'What deleteUsers removed. Deleting is idempotent: ids already gone are listed in unknownIds, not as errors.',
})
export class DeleteUsersPayloadType {
  @Field(() => [ID], { description: 'Ids that existed and are now deleted (evict them from client caches).' })
  deletedIds!: string[];

  @Field(() => [ID], { description: 'Ids that did not exist.' })
  unknownIds!: string[];

  @Field(() => [UserErrorType], { description: USER_ERRORS })
  userErrors!: UserErrorType[];
}

@ObjectType('DeleteItemsPayload', {
  description: 'What deleteItems removed. Deleting is idempotent: ids already gone are listed in unknownIds, not as errors.',
})
export class DeleteItemsPayloadType {
  @Field(() => [ID], { description: 'Ids that existed and are now deleted (evict them from client caches).' })
  deletedIds!: string[];

  @Field(() => [ID], { description: 'Ids that did not exist.' })
  unknownIds!: string[];

  @Field(() => [UserErrorType], { description: USER_ERRORS })
  userErrors!: UserErrorType[];
}

@ObjectType('DeleteInteractionsPayload', { description: 'What deleteInteractions removed.' })
export class DeleteInteractionsPayloadType {
  @Field(() => ID, { nullable: true, description: 'The user whose interactions were deleted; null when rejected.' })
  userId!: string | null;

  @Field(() => UserType, { nullable: true, description: 'That user as stored now (null when rejected or unknown).' })
  user!: UserType | null;

  @Field(() => Int, { description: 'Interactions removed.' })
  deletedCount!: number;

  @Field(() => [ID], { description: 'Item ids given for which the user had no interactions.' })
  unknownItemIds!: string[];

  @Field(() => [UserErrorType], { description: USER_ERRORS })
  userErrors!: UserErrorType[];
}

@ObjectType('SegmentationRunPayload', { description: 'The run a run mutation started or changed, or why it did nothing.' })
export class SegmentationRunPayloadType {
  @Field(() => SegmentationRunType, { nullable: true, description: 'The run, in its state right after the mutation; null when rejected.' })
  run!: SegmentationRunType | null;

  @Field(() => [UserErrorType], { description: USER_ERRORS })
  userErrors!: UserErrorType[];
}

@ObjectType('UpdateSegmentPayload', { description: 'The segment whose key was named or described, or why nothing changed.' })
export class UpdateSegmentPayloadType {
  @Field(() => SegmentType, { nullable: true, description: 'The segment carrying the key, with its new name and description; null when rejected.' })
  segment!: SegmentType | null;

  @Field(() => [UserErrorType], { description: USER_ERRORS })
  userErrors!: UserErrorType[];
}
