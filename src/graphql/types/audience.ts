import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SegmentType, UserType } from './objects.js';

export enum AudienceEvidenceEnum {
  COLLABORATIVE = 'COLLABORATIVE',
  SIMILARITY = 'SIMILARITY',
  SEGMENT = 'SEGMENT',
  ACTIVITY = 'ACTIVITY',
}
registerEnumType(AudienceEvidenceEnum, {
  name: 'AudienceEvidence',
  description: 'The kinds of evidence an audience score fuses (weights: AUDIENCE_WEIGHTS).',
  valuesConfig: {
    COLLABORATIVE: { description: 'The user engaged with items that people who engage with these items also engage with (the collaborative model read by column).' },
    SIMILARITY: { description: "The user's profile vector is close to the items' (or the brief's) vector." },
    SEGMENT: { description: "The user's segment (active run) engages with these items more than everyone does (smoothed lift)." },
    ACTIVITY: { description: 'The user engages with many items (log of how many).' },
  },
});

@ObjectType('AudienceMember', { description: 'A user likely to engage with the items, with why.' })
export class AudienceMemberType {
  @Field(() => UserType, { description: 'The user.' })
  user!: UserType;

  @Field(() => Float, { description: 'Higher is likelier; comparable within one answer only.' })
  score!: number;

  @Field(() => AudienceEvidenceEnum, { description: 'The evidence that added most to the score.' })
  evidence!: AudienceEvidenceEnum;

  @Field(() => String, { description: 'Why, in words a person can read, with the numbers of the main evidence.' })
  reason!: string;
}

@ObjectType('SegmentAffinity', { description: "A segment of the active run and how much more than everyone its members engage with an item." })
export class SegmentAffinityType {
  @Field(() => SegmentType, { description: 'The segment (top level of the active run).' })
  segment!: SegmentType;

  @Field(() => Int, { description: 'Members counted (users flagged AUTOMATED are not).' })
  members!: number;

  @Field(() => Int, { description: 'Members who engaged positively with the item (a rating of 3 or less is not positive).' })
  engaged!: number;

  @Field(() => Float, { description: 'engaged / members.' })
  share!: number;

  @Field(() => Float, { description: 'share / the share among the members of all segments, as observed.' })
  observedLift!: number;

  @Field(() => Float, {
    description:
      'The lift the ranking uses: observed with AUDIENCE_SEGMENT_PRIOR (default 20) pseudo-members at the overall share added, so small segments are pulled towards 1.',
  })
  lift!: number;
}
