import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';
import { UserType } from './objects.js';

export enum SegmentChangeKindEnum {
  KEPT = 'KEPT',
  SPLIT = 'SPLIT',
  MERGED = 'MERGED',
  NEW = 'NEW',
  RETIRED = 'RETIRED',
}
registerEnumType(SegmentChangeKindEnum, {
  name: 'SegmentChangeKind',
  description: 'What happened to a segment key when a run became active.',
  valuesConfig: {
    KEPT: { description: 'A segment of the new run matched the key\'s segment and took its key.' },
    SPLIT: { description: 'At least two new segments each took 20% or more of the key\'s members (relatedKeys: into which).' },
    MERGED: { description: 'The key\'s segment took 20% or more of its members from each of at least two previous keys (relatedKeys: from which).' },
    NEW: { description: 'A segment no previous segment matched: a new key.' },
    RETIRED: { description: 'No segment of the new run matched the key: it is no longer active.' },
  },
});

export enum MembershipCauseEnum {
  RUN = 'RUN',
  LIVE_ASSIGNMENT = 'LIVE_ASSIGNMENT',
  DELETION = 'DELETION',
}
registerEnumType(MembershipCauseEnum, {
  name: 'MembershipChangeCause',
  description: 'Why a user\'s segment changed.',
  valuesConfig: {
    RUN: { description: 'A segmentation run became active and placed the user under another key.' },
    LIVE_ASSIGNMENT: { description: 'The user was created or changed and placed in the nearest active segment.' },
    DELETION: { description: 'The user was erased.' },
  },
});

export enum WebhookDeliveryStatusEnum {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a webhook delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet; retried with exponential backoff.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt (WEBHOOK_MAX_ATTEMPTS) failed; no more retries.' },
  },
});

@ObjectType('SegmentChange', { description: 'What happened to one segment key when a run became active, against the run it replaced.' })
export class SegmentChangeType {
  @Field(() => ID, { description: 'The segment key.' })
  key!: string;

  @Field(() => SegmentChangeKindEnum, { description: 'KEPT, SPLIT, MERGED, NEW or RETIRED.' })
  kind!: SegmentChangeKindEnum;

  @Field(() => [ID], { description: 'SPLIT: the keys it split into (its own when one part kept it). MERGED: the keys it took users from. Otherwise empty.' })
  relatedKeys!: string[];

  @Field(() => Int, { description: 'Users with this key now who did not have it before.' })
  usersEntered!: number;

  @Field(() => Int, { description: 'Users who had this key before and have another key (or none) now.' })
  usersLeft!: number;
}

@ObjectType('SegmentMembershipChange', { description: 'A user\'s segment key changed.' })
export class SegmentMembershipChangeType {
  @Field(() => ID, { description: 'The user whose segment changed.' })
  userId!: string;

  @Field(() => UserType, { nullable: true, description: 'The user now; null once erased.' })
  user!: UserType | null;

  @Field(() => ID, { nullable: true, description: 'The segment key the user had; null when the user had none.' })
  from!: string | null;

  @Field(() => ID, { nullable: true, description: 'The segment key the user has now; null when the user left every segment.' })
  to!: string | null;

  @Field(() => MembershipCauseEnum, { description: 'Why it changed.' })
  cause!: MembershipCauseEnum;

  @Field(() => ID, { nullable: true, description: 'The active run the change belongs to (the new run for RUN).' })
  runId!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it changed.' })
  at!: Date;
}

@ObjectType('WebhookDelivery', { description: 'One signed POST of a batch of membership events to one configured endpoint.' })
export class WebhookDeliveryType {
  @Field(() => ID, { description: 'Also sent as the x-segmentql-delivery header (receivers dedupe by it: delivery is at least once).' })
  id!: string;

  @Field(() => String, { description: 'The endpoint URL (from WEBHOOK_URLS).' })
  endpoint!: string;

  @Field(() => Int, { description: 'Events in the delivery.' })
  eventCount!: number;

  @Field(() => WebhookDeliveryStatusEnum, { description: 'PENDING, DELIVERED or FAILED.' })
  status!: WebhookDeliveryStatusEnum;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attempts!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the next attempt is due; null unless PENDING.' })
  nextAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null when it got no answer.' })
  lastStatus!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed; null after success.' })
  lastError!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the events were enqueued.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the endpoint accepted it; null until then.' })
  deliveredAt!: Date | null;
}

@ObjectType('AttributeSkew', {
  description: 'A sensitive attribute value\'s share in a segment against its share among everyone (SENSITIVE_ATTRIBUTES).',
})
export class AttributeSkewType {
  @Field(() => ID, { description: 'The segment\'s key.' })
  segmentKey!: string;

  @Field(() => String, { description: 'The sensitive attribute.' })
  attribute!: string;

  @Field(() => String, { description: 'The value, or a range such as "25–<35" for numbers.' })
  value!: string;

  @Field(() => Float, { description: 'Share of the segment\'s members (with the attribute) having the value.' })
  share!: number;

  @Field(() => Float, { description: 'The same share among all users of the run.' })
  overallShare!: number;

  @Field(() => Float, { description: 'share / overallShare (1: parity).' })
  ratio!: number;

  @Field(() => Boolean, { description: 'True when the ratio is at least 2 or at most 0.5 with at least 5 members: worth a look before a campaign.' })
  flagged!: boolean;
}
