import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../scalars.js';
import { ClusteringAlgorithmEnum, InteractionKindEnum } from './enums.js';
import { AttributeConditionInputType, KRangeInputType } from './segmentation.js';

@InputType('UserInput', { description: 'A user to create or replace. A user needs text or attributes (or both).' })
export class UserInputType {
  @Field(() => ID, { description: 'Your id for the user; sending it again replaces the user.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'What the user wrote; at most MAX_TEXT_LENGTH characters.' })
  text?: string | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Flat object of scalars or lists of scalars (at most 64 keys).' })
  attributes?: Record<string, unknown> | null;
}

@InputType('ItemInput', { description: 'An item to create or replace.' })
export class ItemInputType {
  @Field(() => ID, { description: 'Your id for the item (1-256 characters); sending it again replaces the item.' })
  id!: string;

  @Field(() => String, { description: 'Title, not empty; at most MAX_TEXT_LENGTH characters.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Longer description; at most MAX_TEXT_LENGTH characters.' })
  description?: string | null;

  @Field(() => [String], { nullable: true, description: 'At most 64 tags of at most 64 characters.' })
  tags?: string[] | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Flat object of scalars or lists of scalars (at most 64 keys).' })
  attributes?: Record<string, unknown> | null;
}

@InputType('InteractionInput', { description: 'One event to record.' })
export class InteractionInputType {
  @Field(() => ID, { description: 'A stored user.' })
  userId!: string;

  @Field(() => ID, { description: 'A stored item.' })
  itemId!: string;

  @Field(() => InteractionKindEnum, { description: 'What the user did.' })
  kind!: InteractionKindEnum;

  @Field(() => Float, { nullable: true, description: 'Required for RATING (0-5); optional otherwise (see InteractionKind for ranges).' })
  value?: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it happened (1970 to one day from now); now when absent.' })
  at?: Date | null;
}

@InputType('SimilarUsersTo', {
  description: 'What similarUsers compares with: exactly one of a stored user and a free text (@oneOf).',
})
export class SimilarUsersToInputType {
  @Field(() => ID, { nullable: true, description: 'Users like this stored user (left out of the answer); unknown ids are NOT_FOUND.' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'Users whose profile is close to this text (embedded like a user\'s text).' })
  text?: string | null;
}

@InputType('ReclusterInput', { description: 'How to cluster. Give k or kRange, not both; neither means DEFAULT_K (8).' })
export class ReclusterInputType {
  @Field(() => Int, { nullable: true, description: 'Number of segments, 2 to 1000. Without k and kRange: DEFAULT_K (8, capped at the user count).' })
  k?: number | null;

  @Field(() => KRangeInputType, {
    nullable: true,
    description: 'Choose k automatically: every k in the range is clustered and scored by silhouette; the best wins (see kCandidates).',
  })
  kRange?: KRangeInputType | null;

  @Field(() => ClusteringAlgorithmEnum, { nullable: true, defaultValue: ClusteringAlgorithmEnum.KMEANS, description: 'The algorithm (default KMEANS).' })
  algorithm?: ClusteringAlgorithmEnum | null;

  @Field(() => [AttributeConditionInputType], { nullable: true, description: 'Cluster only users whose attributes match every condition (at most 16 conditions); every user when left out.' })
  filter?: AttributeConditionInputType[] | null;

  @Field(() => Int, { nullable: true, description: 'Split each segment once more into this many subsegments (2-10): a two-level hierarchy.' })
  subsegments?: number | null;

  @Field(() => Int, { nullable: true, description: 'Random seed, a non-negative integer: the same seed on the same users gives the same segments. Random when left out.' })
  seed?: number | null;
}
