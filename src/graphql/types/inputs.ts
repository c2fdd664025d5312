import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../scalars.js';
import { ClusteringAlgorithmEnum, InteractionKindEnum } from './enums.js';
import { AttributeConditionInputType, KRangeInputType } from './segmentation.js';

@InputType('UserInput')
export class UserInputType {
  @Field(() => ID, { description: 'Your id for the user; sending it again replaces the user.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'What the user wrote; at most MAX_TEXT_LENGTH characters.' })
  text?: string | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Flat object of scalars or lists of scalars (at most 64 keys).' })
  attributes?: Record<string, unknown> | null;
}

@InputType('ItemInput')
export class ItemInputType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => JSONObjectScalar, { nullable: true })
  attributes?: Record<string, unknown> | null;
}

@InputType('InteractionInput')
export class InteractionInputType {
  @Field(() => ID)
  userId!: string;

  @Field(() => ID)
  itemId!: string;

  @Field(() => InteractionKindEnum)
  kind!: InteractionKindEnum;

  @Field(() => Float, { nullable: true, description: 'Required for RATING (0-5).' })
  value?: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it happened; now when absent.' })
  at?: Date | null;
}

@InputType('ReclusterInput')
export class ReclusterInputType {
  @Field(() => Int, { nullable: true, description: 'Number of segments. Without k and kRange: DEFAULT_K (capped at the user count).' })
  k?: number | null;

  @Field(() => KRangeInputType, {
    nullable: true,
    description: 'Choose k automatically: every k in the range is clustered and scored by silhouette; the best wins (see kCandidates).',
  })
  kRange?: KRangeInputType | null;

  @Field(() => ClusteringAlgorithmEnum, { nullable: true, defaultValue: ClusteringAlgorithmEnum.KMEANS })
  algorithm?: ClusteringAlgorithmEnum | null;

  @Field(() => [AttributeConditionInputType], { nullable: true, description: 'Cluster only users whose attributes match every condition.' })
  filter?: AttributeConditionInputType[] | null;

  @Field(() => Int, { nullable: true, description: 'Split each segment once more into this many subsegments (2-10): a two-level hierarchy.' })
  subsegments?: number | null;

  @Field(() => Int, { nullable: true, description: 'Random seed: the same seed on the same users gives the same segments.' })
  seed?: number | null;
}
