import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ItemType, UserType } from './objects.js';

@ObjectType('KScore', { description: 'How well one candidate k separated the users (automatic k).' })
export class KScoreType {
  @Field(() => Int, { description: 'The number of segments tried.' })
  k!: number;

  @Field(() => Float, { nullable: true, description: 'Mean silhouette on the run\'s sample (-1..1, higher is better).' })
  silhouette!: number | null;
}

@ObjectType('ClusteringMetrics', { description: 'Quality of a run\'s top-level segmentation.' })
export class ClusteringMetricsType {
  @Field(() => Float, { nullable: true, description: 'Mean silhouette (-1..1, higher is better), on a sample of silhouetteSampleSize users.' })
  silhouette!: number | null;

  @Field(() => Int, { description: 'Users the silhouette was computed on (a sample, for speed).' })
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

@ObjectType('SegmentMetrics', { description: 'Quality figures of one segment, computed by its run.' })
export class SegmentMetricsType {
  @Field(() => Int, {
    description: 'Members when the run finished.',
    deprecationReason: 'Use Segment.size: members now (live assignments and erasures included).',
  })
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
  @Field(() => ID, { description: 'The run this one replaced as the active run.' })
  previousRunId!: string;

  @Field(() => Float, { description: 'Adjusted Rand index over the users both runs placed (1: same partition).' })
  adjustedRandIndex!: number;

  @Field(() => Int, { description: 'Users both runs placed.' })
  sharedUsers!: number;

  @Field(() => Int, { description: 'Shared users who did not follow the majority of their old segment.' })
  movedUsers!: number;
}

@ObjectType('KRange', { description: 'An inclusive range of k.' })
export class KRangeType {
  @Field(() => Int, { description: 'Smallest k tried.' })
  min!: number;

  @Field(() => Int, { description: 'Largest k tried.' })
  max!: number;
}

@ObjectType('AttributeCondition', { description: 'A condition on a user attribute, as given in a run\'s filter.' })
export class AttributeConditionType {
  @Field(() => String, { description: 'The attribute name.' })
  attribute!: string;

  @Field(() => String, { nullable: true, description: 'The value it must equal; null when `in` is used.' })
  equals!: string | null;

  @Field(() => [String], { nullable: true, description: 'The values it must equal one of; null when `equals` is used.' })
  in!: string[] | null;
}

@InputType('KRangeInput', { description: 'Choose k in this inclusive range: 2 <= min <= max <= 1000, at most 30 values.' })
export class KRangeInputType {
  @Field(() => Int, { description: 'Smallest k to try (at least 2).' })
  min!: number;

  @Field(() => Int, { description: 'Largest k to try (at most 1000, and min + 29).' })
  max!: number;
}

@InputType('AttributeConditionInput', { description: 'The attribute equals the value, or one of the values (give exactly one).' })
export class AttributeConditionInputType {
  @Field(() => String, { description: 'The attribute name (as in the users\' attributes).' })
  attribute!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The value to equal, as a string (numbers and booleans as written: "42", "true"); for list attributes: the list contains it.',
  })
  equals?: string | null;

  @Field(() => [String], { nullable: true, description: '1 to 100 values, one of which it must equal (or, for lists, contain).' })
  in?: string[] | null;
}

@ObjectType('TraitValue', { description: 'One value of an attribute and how often members have it, against everyone.' })
export class TraitValueType {
  @Field(() => String, { description: 'The value, or a range such as "25–<35" for numbers.' })
  value!: string;

  @Field(() => Int, { description: 'Members with this value.' })
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
  @Field(() => String, { description: 'The attribute name.' })
  attribute!: string;

  @Field(() => [TraitValueType], { description: 'Most over-represented values first.' })
  values!: TraitValueType[];

  @Field(() => Float, { nullable: true, description: 'Mean in the segment, for numeric attributes.' })
  mean!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean among all users of the run, for numeric attributes.' })
  overallMean!: number | null;

  @Field(() => Float, { description: 'Half the L1 distance between the segment\'s and everyone\'s distribution (0..1).' })
  distinctiveness!: number;
}

@ObjectType('SegmentItem', { description: 'An item a segment engages with, against overall popularity.' })
export class SegmentItemType {
  @Field(() => ItemType, { description: 'The item.' })
  item!: ItemType;

  @Field(() => Int, { description: 'Members who engaged with it.' })
  members!: number;

  @Field(() => Float, { description: 'Share of the segment\'s members who engaged with it (0..1).' })
  share!: number;

  @Field(() => Float, { description: 'Share of all clustered users who engaged with it (0..1).' })
  overallShare!: number;

  @Field(() => Float, { description: 'share / overallShare: how much more the segment engages than everyone.' })
  lift!: number;
}

@ObjectType('RepresentativeUser', { description: 'A member typical of a segment: close to its centroid.' })
export class RepresentativeUserType {
  @Field(() => UserType, { description: 'The member.' })
  user!: UserType;

  @Field(() => Float, { description: 'Cosine similarity to the segment\'s centroid.' })
  score!: number;
}
