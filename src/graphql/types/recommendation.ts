import { Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ItemType } from './objects.js';

export enum RecommendationStrategyEnum {
  BLENDED = 'BLENDED',
  COLLABORATIVE = 'COLLABORATIVE',
  SEGMENT_POPULAR = 'SEGMENT_POPULAR',
  SIMILAR_USERS = 'SIMILAR_USERS',
  CONTENT = 'CONTENT',
  POPULAR = 'POPULAR',
}
registerEnumType(RecommendationStrategyEnum, {
  name: 'RecommendationStrategy',
  description: 'How recommendations are found.',
  valuesConfig: {
    BLENDED: {
      description:
        'The other strategies fused with weights (RECOMMEND_BLEND_WEIGHTS): by default CombSUM of scores normalised by each list\'s best ' +
        '(RECOMMEND_BLEND_METHOD=SCORE); reciprocal rank fusion with RECOMMEND_BLEND_METHOD=RANK. The default strategy.',
    },
    COLLABORATIVE: {
      description:
        'Item-based collaborative filtering from the whole interaction log: EASE up to COLLABORATIVE_EASE_MAX_ITEMS items, a sparse RP3beta item graph above; SIMILAR_USERS until the model is built.',
    },
    SEGMENT_POPULAR: { description: 'What the user\'s segment engages with, beyond overall popularity.' },
    SIMILAR_USERS: { description: 'User-based collaborative filtering over neighbours found by vector search.' },
    CONTENT: {
      description:
        'Items near what the user liked: co-engagement (who engaged with both) blended with the text embedding; text alone for items nobody engaged with and users who liked nothing yet.',
    },
    POPULAR: { description: 'What most users engage with (the baseline).' },
  },
});

@InputType('ItemFilter', { description: 'Which items recommendations may contain (at most 100 tags and 1,000 excluded ids).' })
export class ItemFilterInputType {
  @Field(() => [String], { nullable: true, description: 'Only items with at least one of these tags.' })
  tags?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Never these items.' })
  excludeIds?: string[] | null;
}

@ObjectType('Recommendation', { description: 'An item recommended to a user, with why.' })
export class RecommendationType {
  @Field(() => ItemType, { description: 'The recommended item.' })
  item!: ItemType;

  @Field(() => Float, { description: 'Higher is better; comparable within one answer only.' })
  score!: number;

  @Field(() => RecommendationStrategyEnum, { description: 'The strategy that produced it (for BLENDED: the one that contributed most).' })
  strategy!: RecommendationStrategyEnum;

  @Field(() => String, { description: 'Why, in words a person can read.' })
  reason!: string;
}
