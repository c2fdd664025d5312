import { createPubSub } from '@graphql-yoga/subscription';
import type { MembershipChange } from '../segmentation/membership-events.js';
import type { SegmentationRun } from '../segmentation/run.js';

/** Subscription topics. */
export const RUN_UPDATED = 'RUN_UPDATED';
export const RECLUSTER_COMPLETED = 'RECLUSTER_COMPLETED';
export const MEMBERSHIP_CHANGED = 'MEMBERSHIP_CHANGED';

export type RunPubSub = ReturnType<typeof createRunPubSub>;

/** In-process pub/sub for run and membership events (one service instance owns its runs). */
export function createRunPubSub() {
  return createPubSub<{ [RUN_UPDATED]: [SegmentationRun]; [RECLUSTER_COMPLETED]: [SegmentationRun]; [MEMBERSHIP_CHANGED]: [MembershipChange] }>();
}
