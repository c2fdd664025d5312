import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../scalars.js';
import { InteractionKindEnum, RunPhaseEnum, RunStatusEnum } from './enums.js';

@ObjectType('User', { description: 'A user of the application, placed in a segment by what they write and do.' })
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'The text the user wrote (bio, reviews, ...), as sent.' })
  text!: string | null;

  @Field(() => JSONObjectScalar, { description: 'Attributes as sent: a flat object of scalars or lists of scalars.' })
  attributes!: Record<string, unknown>;

  @Field(() => String, { description: 'The text the user\'s vector was embedded from: their text plus attributes written out.' })
  profileText!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}

@ObjectType('Item', { description: 'Something users interact with (a product, article, movie, ...).' })
export class ItemType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [String])
  tags!: string[];

  @Field(() => JSONObjectScalar)
  attributes!: Record<string, unknown>;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}

@ObjectType('Interaction', { description: 'One recorded event: a user did something with an item.' })
export class InteractionType {
  @Field(() => ID)
  userId!: string;

  @Field(() => ID)
  itemId!: string;

  @Field(() => InteractionKindEnum)
  kind!: InteractionKindEnum;

  @Field(() => Float, { nullable: true, description: 'Rating (0-5) for RATING; quantity or amount otherwise.' })
  value!: number | null;

  @Field(() => DateTimeScalar)
  at!: Date;
}

@ObjectType('Keyword', { description: 'A term that sets a segment\'s members apart, with its class-based TF-IDF weight.' })
export class KeywordType {
  @Field(() => String)
  term!: string;

  @Field(() => Float)
  weight!: number;
}

@ObjectType('Segment', { description: 'A group of similar users found by a segmentation run.' })
export class SegmentType {
  @Field(() => ID, { description: 'Unique across runs: "<runId>:<index>".' })
  id!: string;

  @Field(() => ID)
  runId!: string;

  @Field(() => ID, {
    description:
      'Stable identity across runs: a segment keeps the key of the previous active run\'s segment it matches (member overlap and ' +
      'centroid similarity). Subsegments: "<parent key>.<child index>". Use it to name, follow and sync a segment.',
  })
  key!: string;

  @Field(() => Int, { description: 'Position among its siblings; 0 is the largest.' })
  index!: number;

  @Field(() => Int, { description: '0 for segments, 1 for subsegments.' })
  level!: number;

  @Field(() => String, { description: 'A short name built from the segment\'s distinguishing terms.' })
  label!: string;

  @Field(() => Int, { description: 'Members now: those the run placed plus users assigned live since, less erased users.' })
  size!: number;

  @Field(() => [KeywordType], { description: 'Distinguishing terms, best first.' })
  keywords!: KeywordType[];
}

@ObjectType('SegmentMatch')
export class SegmentMatchType {
  @Field(() => SegmentType)
  segment!: SegmentType;

  @Field(() => Float, { description: 'Cosine similarity to the segment\'s centroid, higher is closer.' })
  score!: number;
}

@ObjectType('SimilarUser')
export class SimilarUserType {
  @Field(() => UserType)
  user!: UserType;

  @Field(() => Float, { description: 'Cosine similarity, higher is closer.' })
  score!: number;
}

@ObjectType('SimilarItem')
export class SimilarItemType {
  @Field(() => ItemType)
  item!: ItemType;

  @Field(() => Float, { description: 'Cosine similarity, higher is closer.' })
  score!: number;
}

@ObjectType('UpsertResult')
export class UpsertResultType {
  @Field(() => Int, { description: 'Rows written.' })
  count!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => [ID])
  ids!: string[];
}

@ObjectType('PageInfo')
export class PageInfoType {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('UserEdge')
export class UserEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => UserType)
  node!: UserType;
}

@ObjectType('UserConnection', { description: 'A page of users (Relay cursor connection).' })
export class UserConnectionType {
  @Field(() => [UserEdgeType])
  edges!: UserEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType('PhaseTiming', { description: 'Wall time of one finished phase of a run.' })
export class PhaseTimingType {
  @Field(() => RunPhaseEnum)
  phase!: RunPhaseEnum;

  @Field(() => Float, { description: 'Milliseconds.' })
  ms!: number;
}

@ObjectType('SegmentationRun', { description: 'One clustering of all users into segments.' })
export class SegmentationRunType {
  @Field(() => ID)
  id!: string;

  @Field(() => RunStatusEnum)
  status!: RunStatusEnum;

  @Field(() => Int, { nullable: true, description: 'Number of segments: the asked or default k, or the one chosen from kRange once known.' })
  k!: number | null;

  @Field(() => RunPhaseEnum)
  phase!: RunPhaseEnum;

  @Field(() => Float, { description: 'Progress of the whole run, 0 to 1.' })
  progress!: number;

  @Field(() => Int, { nullable: true, description: 'Users scrolled out of the store so far; all users clustered once clustering starts.' })
  userCount!: number | null;

  @Field(() => Int, { nullable: true, description: 'k-means iteration.' })
  iteration!: number | null;

  @Field(() => Float, { nullable: true, description: 'Sum of squared distances of users to their centroid.' })
  inertia!: number | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => [PhaseTimingType], { description: 'Wall time of each finished phase, in order.' })
  timings!: PhaseTimingType[];

  @Field(() => String, { nullable: true, description: 'Why the run failed or was cancelled.' })
  error!: string | null;
}
