import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../scalars.js';
import { EmbeddingWarningCodeEnum, InteractionKindEnum, RunPhaseEnum, RunStatusEnum } from './enums.js';
import { NodeInterface } from './node.js';

@ObjectType('User', {
  implements: NodeInterface,
  description: 'A user of the application, placed in a segment by what they write and do.',
})
export class UserType extends NodeInterface {
  @Field(() => ID, { description: 'Your id for the user, as sent to upsertUsers (at most 256 characters).' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'The text the user wrote (bio, reviews, ...), as sent; null when none was sent.' })
  text!: string | null;

  @Field(() => JSONObjectScalar, { description: 'Attributes as sent: a flat object of scalars or lists of scalars ({} when none).' })
  attributes!: Record<string, unknown>;

  // Derived on demand, not stored in the user record: resolved by UserResolver.profileText.
  @Field(() => String, { description: 'The text the user\'s vector was embedded from: their text plus attributes written out.' })
  profileText!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      'Share of the profile text the embedding model represented, 0 to 1: words it knows or builds from their characters, out of all words and emoji. ' +
      '0 means nothing: the user is kept out of segments and similarity unless their behaviour places them. Null for users written before it was measured.',
  })
  embeddingCoverage!: number | null;

  @Field(() => DateTimeScalar, { description: 'When the user was last written (by upsertUsers or a profile rebuild after new interactions).' })
  updatedAt!: Date;
}

@ObjectType('Item', {
  implements: NodeInterface,
  description: 'Something users interact with (a product, article, movie, ...).',
})
export class ItemType extends NodeInterface {
  @Field(() => ID, { description: 'Your id for the item, as sent to upsertItems (at most 256 characters).' })
  id!: string;

  @Field(() => String, { description: 'The item\'s title (never empty).' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Longer description; null when none was sent.' })
  description!: string | null;

  @Field(() => [String], { description: 'Tags as sent (empty when none); recommendation and items filters match them.' })
  tags!: string[];

  @Field(() => JSONObjectScalar, { description: 'Attributes as sent: a flat object of scalars or lists of scalars ({} when none).' })
  attributes!: Record<string, unknown>;

  @Field(() => DateTimeScalar, { description: 'When the item was last written by upsertItems.' })
  updatedAt!: Date;
}

@ObjectType('Interaction', { description: 'One recorded event: a user did something with an item.' })
export class InteractionType {
  @Field(() => ID, { description: 'The user who interacted (see `user`).' })
  userId!: string;

  @Field(() => ID, { description: 'The item interacted with (see `item`).' })
  itemId!: string;

  @Field(() => InteractionKindEnum, { description: 'What the user did.' })
  kind!: InteractionKindEnum;

  @Field(() => Float, { nullable: true, description: 'Rating (0-5) for RATING; quantity or amount otherwise; null when none was sent.' })
  value!: number | null;

  @Field(() => DateTimeScalar, { description: 'When it happened (the time it was recorded when none was sent).' })
  at!: Date;
}

@ObjectType('Keyword', { description: 'A term that sets a segment\'s members apart, with its class-based TF-IDF weight.' })
export class KeywordType {
  @Field(() => String, { description: 'The term (a word or a "key=value" attribute).' })
  term!: string;

  @Field(() => Float, { description: 'Class-based TF-IDF weight; higher sets the segment apart more. Comparable within one segment.' })
  weight!: number;
}

@ObjectType('Segment', {
  implements: NodeInterface,
  description: 'A group of similar users found by a segmentation run.',
})
export class SegmentType extends NodeInterface {
  @Field(() => ID, { description: 'Unique across runs: "<runId>:<index>" for segments, "<runId>:<index>.<child>" for subsegments.' })
  id!: string;

  @Field(() => ID, { description: 'The run that found this segment (see `run`).' })
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

  @Field(() => String, { description: 'A short name built from the segment\'s distinguishing terms (recomputed by every run).' })
  label!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The name operators gave the segment\'s key with updateSegment (1-200 characters); it follows the key into later runs. Null until then. Show `name ?? label`.',
  })
  name!: string | null;

  @Field(() => Int, { description: 'Members now: those the run placed plus users assigned live since, less erased users.' })
  size!: number;

  @Field(() => [KeywordType], { description: 'Distinguishing terms, best first.' })
  keywords!: KeywordType[];
}

@ObjectType('SegmentMatch', { description: 'A segment found for a text, with how close it is.' })
export class SegmentMatchType {
  @Field(() => SegmentType, { description: 'The segment.' })
  segment!: SegmentType;

  @Field(() => Float, { description: 'Cosine similarity to the segment\'s centroid (-1..1), higher is closer.' })
  score!: number;
}

@ObjectType('SimilarUser', { description: 'A user found by vector search, with how close they are.' })
export class SimilarUserType {
  @Field(() => UserType, { description: 'The user.' })
  user!: UserType;

  @Field(() => Float, { description: 'Cosine similarity (-1..1), higher is closer.' })
  score!: number;
}

@ObjectType('SimilarItem', { description: 'An item found by vector search, with how close it is.' })
export class SimilarItemType {
  @Field(() => ItemType, { description: 'The item.' })
  item!: ItemType;

  @Field(() => Float, { description: 'Cosine similarity (-1..1), higher is closer.' })
  score!: number;
}

@ObjectType('EmbeddingWarning', { description: 'A written row whose text the embedding model could represent little or none of.' })
export class EmbeddingWarningType {
  @Field(() => ID, { description: 'The id of the row (user or item) the warning is about.' })
  id!: string;

  @Field(() => EmbeddingWarningCodeEnum, { description: 'What was wrong: nothing represented, or little.' })
  code!: string;

  @Field(() => Float, { description: 'Share of the text represented, 0 to 1 (as User.embeddingCoverage).' })
  coverage!: number;

  @Field(() => String, { description: 'A sentence for people, saying what to do.' })
  message!: string;
}

@ObjectType('PageInfo', {
  description: 'Where a connection page sits (Relay). Paging is forward only: pass endCursor as `after` while hasNextPage.',
})
export class PageInfoType {
  @Field(() => Boolean, { description: 'True when more edges follow this page.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when the page was asked for with `after` (edges come before it). Paging backwards is not offered.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null for an empty page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge, to pass as `after` for the next page; null for an empty page.' })
  endCursor!: string | null;
}

@ObjectType('UserEdge', { description: 'A user in a connection page.' })
export class UserEdgeType {
  @Field(() => String, { description: 'Opaque cursor: pass it as `after` to continue after this user.' })
  cursor!: string;

  @Field(() => UserType, { description: 'The user.' })
  node!: UserType;
}

@ObjectType('UserConnection', { description: 'A page of users (Relay cursor connection).' })
export class UserConnectionType {
  @Field(() => [UserEdgeType], { description: 'The users of this page with their cursors.' })
  edges!: UserEdgeType[];

  @Field(() => [UserType], { description: 'The users of this page (edges without cursors).' })
  nodes!: UserType[];

  @Field(() => PageInfoType, { description: 'Where this page sits.' })
  pageInfo!: PageInfoType;

  @Field(() => Int, { description: 'Users in the whole connection, across pages.' })
  totalCount!: number;
}

@ObjectType('PhaseTiming', { description: 'Wall time of one finished phase of a run.' })
export class PhaseTimingType {
  @Field(() => RunPhaseEnum, { description: 'The phase.' })
  phase!: RunPhaseEnum;

  @Field(() => Float, { description: 'Milliseconds.' })
  ms!: number;
}

@ObjectType('SegmentationRun', {
  implements: NodeInterface,
  description: 'One clustering of all users (or of those matching its filter) into segments.',
})
export class SegmentationRunType extends NodeInterface {
  @Field(() => ID, { description: 'The run\'s id (a UUID).' })
  id!: string;

  @Field(() => RunStatusEnum, { description: 'Where the run is in its lifecycle.' })
  status!: RunStatusEnum;

  @Field(() => Int, { nullable: true, description: 'Number of segments: the asked or default k, or the one chosen from kRange once known.' })
  k!: number | null;

  @Field(() => RunPhaseEnum, { description: 'What the run is doing now (done once it has ended).' })
  phase!: RunPhaseEnum;

  @Field(() => Float, { description: 'Progress of the whole run, 0 to 1.' })
  progress!: number;

  @Field(() => Int, { nullable: true, description: 'Users scrolled out of the store so far; all users clustered once clustering starts.' })
  userCount!: number | null;

  @Field(() => Int, { nullable: true, description: 'Current (or final) k-means iteration; null before clustering starts.' })
  iteration!: number | null;

  @Field(() => Float, { nullable: true, description: 'Sum of squared distances of users to their centroid; null before clustering starts.' })
  inertia!: number | null;

  @Field(() => DateTimeScalar, { description: 'When the run was asked for.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it started running; null while queued.' })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it ended; null while queued or running.' })
  finishedAt!: Date | null;

  @Field(() => [PhaseTimingType], { description: 'Wall time of each finished phase, in order.' })
  timings!: PhaseTimingType[];

  @Field(() => String, { nullable: true, description: 'Why the run failed or was cancelled; null otherwise.' })
  error!: string | null;
}
