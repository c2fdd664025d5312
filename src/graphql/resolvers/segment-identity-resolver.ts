import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { validateLimit } from '../../app/validation.js';
import type { MembershipChange } from '../../segmentation/membership-events.js';
import type { SegmentationRun } from '../../segmentation/run.js';
import type { Segment } from '../../segmentation/segment.js';
import type { DeliveryStatus } from '../../webhooks/webhook-outbox.js';
import type { GraphQLContext } from '../context.js';
import { MEMBERSHIP_CHANGED } from '../events.js';
import { mutationPayload } from '../payloads/user-errors.js';
import { SegmentationRunType, SegmentType, UserType } from '../types/objects.js';
import { UpdateSegmentPayloadType } from '../types/payloads.js';
import { AttributeSkewType, SegmentChangeType, SegmentMembershipChangeType, WebhookDeliveryStatusEnum, WebhookDeliveryType } from '../types/segment-identity.js';

/** Stable keys, names and descriptions of segments. */
@Resolver(() => SegmentType)
export class SegmentIdentityResolver {
  @Query(() => SegmentType, {
    nullable: true,
    description: 'The segment carrying this stable key in the active run (for a RETIRED key: in the newest run that had it); null when unknown.',
  })
  segmentByKey(@Arg('key', () => ID, { description: 'A segment key (Segment.key).' }) key: string, @Ctx() { services }: GraphQLContext) {
    return services.segmentIdentity.byKey(key);
  }

  @Mutation(() => UpdateSegmentPayloadType, {
    nullable: true,
    description:
      'Names and describes a segment key; both follow the key into later runs (label stays the automatic one). Null clears a field. ' +
      'Input problems (unknown key, empty or long name) come back as userErrors and change nothing.',
  })
  updateSegment(
    @Arg('key', () => ID, { description: 'The segment key (Segment.key).' }) key: string,
    @Arg('name', () => String, { nullable: true, description: 'A name for people (1-200 characters); null clears it.' }) name: string | null,
    @Arg('description', () => String, { nullable: true, description: 'What the segment is for (up to 2000 characters); null clears it.' })
    description: string | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    return mutationPayload(['key', 'name', 'description'], async () => ({ segment: await services.segmentIdentity.update(key, name ?? null, description ?? null) }), { segment: null });
  }

  @FieldResolver(() => String, { nullable: true, description: 'The name operators gave the key (updateSegment); null when unnamed.' })
  name(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return services.segmentIdentity.naming(segment.key)?.name ?? null;
  }

  @FieldResolver(() => [AttributeSkewType], {
    description: 'Skew of each sensitive attribute value (SENSITIVE_ATTRIBUTES), furthest from parity first; empty when none is configured.',
  })
  skew(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return services.fairness.skew(segment);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The description operators gave the key (updateSegment); null when none.' })
  description(@Root() segment: Segment, @Ctx() { services }: GraphQLContext) {
    return services.segmentIdentity.naming(segment.key)?.description ?? null;
  }
}

@Resolver(() => SegmentationRunType)
export class RunChangesResolver {
  @FieldResolver(() => [SegmentChangeType], {
    description: 'What happened to each segment key against the run this one replaced: KEPT, SPLIT, MERGED, NEW, RETIRED (empty for the first run).',
  })
  changes(@Root() run: SegmentationRun) {
    return run.changes;
  }

  @FieldResolver(() => AttributeSkewType, {
    nullable: true,
    description: 'The run\'s largest skew of a sensitive attribute value over its segments (SENSITIVE_ATTRIBUTES); null when none.',
  })
  async largestSkew(@Root() run: SegmentationRun, @Ctx() { services }: GraphQLContext) {
    if (run.status !== 'SUCCEEDED' || services.fairness.attributes.length === 0) return null;
    return services.fairness.largest(await services.segments.ofRun(run.id));
  }
}

@Resolver(() => SegmentMembershipChangeType)
export class MembershipChangeResolver {
  @Subscription(() => SegmentMembershipChangeType, {
    topics: MEMBERSHIP_CHANGED,
    filter: ({ payload, args }: { payload: MembershipChange; args: { segmentKey?: string | null; userId?: string | null } }) =>
      (args.segmentKey == null || payload.from === args.segmentKey || payload.to === args.segmentKey) && (args.userId == null || payload.userId === args.userId),
    description:
      'Users whose segment key changed: when a run becomes active (only users whose key changed), when live assignment places a user, ' +
      'and when a user is erased. Both arguments are optional filters.',
  })
  segmentMembershipChanged(
    @Root() change: MembershipChange,
    @Arg('segmentKey', () => ID, { nullable: true, description: 'Only changes into or out of this key.' }) _segmentKey: string | null,
    @Arg('userId', () => ID, { nullable: true, description: 'Only changes of this user.' }) _userId: string | null,
  ) {
    return change;
  }

  @FieldResolver(() => UserType, { nullable: true, description: 'The user now; null once erased.' })
  async user(@Root() change: MembershipChange, @Ctx() { services }: GraphQLContext) {
    return services.users.get(change.userId).catch(() => null);
  }

  @Query(() => [WebhookDeliveryType], { description: 'Webhook deliveries of membership events, newest first (delivered ones are kept for 7 days).' })
  webhookDeliveries(
    @Arg('status', () => WebhookDeliveryStatusEnum, { nullable: true, description: 'Only deliveries in this status.' }) status: DeliveryStatus | null,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many.' }) first: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    validateLimit(first, 'first', services.limits);
    return services.webhooks.list(status ?? null, first);
  }
}
