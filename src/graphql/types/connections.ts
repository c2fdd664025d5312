import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { InteractionType, ItemType, PageInfoType, SegmentationRunType } from './objects.js';
import { AttributeConditionInputType } from './segmentation.js';

@ObjectType('ItemEdge', { description: 'An item in a connection page.' })
export class ItemEdgeType {
  @Field(() => String, { description: 'Opaque cursor: pass it as `after` to continue after this item.' })
  cursor!: string;

  @Field(() => ItemType, { description: 'The item.' })
  node!: ItemType;
}

@ObjectType('ItemConnection', { description: 'A page of items (Relay cursor connection).' })
export class ItemConnectionType {
  @Field(() => [ItemEdgeType], { description: 'The items of this page with their cursors.' })
  edges!: ItemEdgeType[];

  @Field(() => [ItemType], { description: 'The items of this page (edges without cursors).' })
  nodes!: ItemType[];

  @Field(() => PageInfoType, { description: 'Where this page sits.' })
  pageInfo!: PageInfoType;

  @Field(() => Int, { description: 'Items in the whole connection, across pages.' })
  totalCount!: number;
}

@ObjectType('InteractionEdge', { description: 'An interaction in a connection page.' })
export class InteractionEdgeType {
  @Field(() => String, { description: 'Opaque cursor: pass it as `after` to continue after this interaction.' })
  cursor!: string;

  @Field(() => InteractionType, { description: 'The interaction.' })
  node!: InteractionType;
}

@ObjectType('InteractionConnection', { description: 'A page of interactions, newest first (Relay cursor connection).' })
export class InteractionConnectionType {
  @Field(() => [InteractionEdgeType], { description: 'The interactions of this page with their cursors.' })
  edges!: InteractionEdgeType[];

  @Field(() => [InteractionType], { description: 'The interactions of this page (edges without cursors).' })
  nodes!: InteractionType[];

  @Field(() => PageInfoType, { description: 'Where this page sits.' })
  pageInfo!: PageInfoType;

  @Field(() => Int, { description: 'Interactions in the whole connection, across pages.' })
  totalCount!: number;
}

@ObjectType('SegmentationRunEdge', { description: 'A run in a connection page.' })
export class SegmentationRunEdgeType {
  @Field(() => String, { description: 'Opaque cursor: pass it as `after` to continue after this run.' })
  cursor!: string;

  @Field(() => SegmentationRunType, { description: 'The run.' })
  node!: SegmentationRunType;
}

@ObjectType('SegmentationRunConnection', { description: 'A page of segmentation runs, newest first (Relay cursor connection).' })
export class SegmentationRunConnectionType {
  @Field(() => [SegmentationRunEdgeType], { description: 'The runs of this page with their cursors.' })
  edges!: SegmentationRunEdgeType[];

  @Field(() => [SegmentationRunType], { description: 'The runs of this page (edges without cursors).' })
  nodes!: SegmentationRunType[];

  @Field(() => PageInfoType, { description: 'Where this page sits.' })
  pageInfo!: PageInfoType;

  @Field(() => Int, { description: 'Runs ever started (the whole history), across pages.' })
  totalCount!: number;
}

@InputType('UsersFilter', { description: 'Which users to list. Conditions combine with AND; leave it out to list every user.' })
export class UsersFilterInputType {
  @Field(() => [AttributeConditionInputType], {
    nullable: true,
    description: 'Only users whose attributes match every condition (at most 16). Cannot be combined with segmentId.',
  })
  attributes?: AttributeConditionInputType[] | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Only members of this segment (of any run), in the order of Segment.members. Cannot be combined with attributes.',
  })
  segmentId?: string | null;
}

@InputType('ItemsFilter', { description: 'Which items to list; leave it out to list every item.' })
export class ItemsFilterInputType {
  @Field(() => [String], { nullable: true, description: 'Only items with at least one of these tags (1-100 tags).' })
  tags?: string[] | null;
}
