import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ItemType, UserType } from './objects.js';

@ObjectType('KScore', { description: 'How well one candidate k separated the users (automatic k).' })
export class KScoreType {
  @Field(() => Int)
  k!: number;

  @Field(() => Float, { nullable: true, description: 'Mean silhouette on the run\'s sample (-1..1, higher is better).' })
  silhouette!: number | null;
}

@ObjectType('ClusteringMetrics', { description: 'Quality of a run\'s top-level segmentation.' })
export class ClusteringMetricsType {
  @Field(() => Float, { nullable: true, description: 'Mean silhouette (-1..1, higher is better), on a sample of silhouetteSampleSize users.' })
  silhouette!: number | null;

  @Field(() => Int)
  silhouetteSampleSize!: number;

  @Field(() => Float, { description: 'Sum of squared distances of users to their centroid (SSE).' })
  inertia!: number;

  @Field(() => Float, { nullable: true, description: 'Davies-Bouldin index (lower is better).' })
  daviesBouldin!: number | null;

  @Field(() => Float, { nullable: true, description: 'Calinski-Harabasz index (higher is better).' })
  calinskiHarabasz!: number | null;

  @Field(() => Int, {
    description: 'Users in the population left out of the run because the model represents nothing of their text and they have no behaviour (see User.embeddingCoverage).',
  })
  unrepresentedUsers!: number;
}

@ObjectType('SegmentMetrics')
export class SegmentMetricsType {
  @Field(() => Int)
  size!: number;

  @Field(() => Float, { description: 'Share of the run\'s users.' })
  share!: number;

  @Field(() => Float, { nullable: true, description: 'Mean cosine similarity of members to the centroid (higher: tighter).' })
  cohesion!: number | null;

  @Field(() => Float, { nullable: true, description: 'Cosine distance to the nearest other centroid (higher: more distinct).' })
  separation!: number | null;
}

@ObjectType('RunStability', { description: 'How much a run changed memberships against the run it replaced.' })
export class RunStabilityType {
  @Field(() => ID)
  previousRunId!: string;

  @Field(() => Float, { description: 'Adjusted Rand index over the users both runs placed (1: same partition).' })
  adjustedRandIndex!: number;

  @Field(() => Int)
  sharedUsers!: number;

  @Field(() => Int, { description: 'Shared users who did not follow the majority of their old segment.' })
  movedUsers!: number;
}

@ObjectType('KRange')
export class KRangeType {
  @Field(() => Int)
  min!: number;

  @Field(() => Int)
  max!: number;
}

@ObjectType('AttributeCondition')
export class AttributeConditionType {
  @Field(() => String)
  attribute!: string;

  @Field(() => String, { nullable: true })
  equals!: string | null;

  @Field(() => [String], { nullable: true })
  in!: string[] | null;
}

@InputType('KRangeInput')
export class KRangeInputType {
  @Field(() => Int)
  min!: number;

  @Field(() => Int)
  max!: number;
}

@InputType('AttributeConditionInput', { description: 'The attribute equals the value, or one of the values (give exactly one).' })
export class AttributeConditionInputType {
  @Field(() => String)
  attribute!: string;

  @Field(() => String, { nullable: true })
  equals?: string | null;

  @Field(() => [String], { nullable: true })
  in?: string[] | null;
}

@ObjectType('TraitValue')
export class TraitValueType {
  @Field(() => String, { description: 'The value, or a range such as "25–<35" for numbers.' })
  value!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => Float, { description: 'Share of members (with the attribute) having this value.' })
  share!: number;

  @Field(() => Float, { description: 'The same share among all users of the run.' })
  overallShare!: number;

  @Field(() => Float, { description: 'share / overallShare.' })
  lift!: number;
}

@ObjectType('Trait', { description: 'An attribute\'s distribution inside a segment against all users.' })
export class TraitType {
  @Field(() => String)
  attribute!: string;

  @Field(() => [TraitValueType], { description: 'Most over-represented values first.' })
  values!: TraitValueType[];

  @Field(() => Float, { nullable: true, description: 'Mean in the segment, for numeric attributes.' })
  mean!: number | null;

  @Field(() => Float, { nullable: true })
  overallMean!: number | null;

  @Field(() => Float, { description: 'Half the L1 distance between the segment\'s and everyone\'s distribution (0..1).' })
  distinctiveness!: number;
}

@ObjectType('SegmentItem', { description: 'An item a segment engages with, against overall popularity.' })
export class SegmentItemType {
  @Field(() => ItemType)
  item!: ItemType;

  @Field(() => Int, { description: 'Members who engaged with it.' })
  members!: number;

  @Field(() => Float)
  share!: number;

  @Field(() => Float)
  overallShare!: number;

  @Field(() => Float)
  lift!: number;
}

@ObjectType('RepresentativeUser')
export class RepresentativeUserType {
  @Field(() => UserType)
  user!: UserType;

  @Field(() => Float, { description: 'Cosine similarity to the segment\'s centroid.' })
  score!: number;
}
