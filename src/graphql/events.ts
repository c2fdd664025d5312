import { createPubSub } from '@graphql-yoga/subscription';
import type { SegmentationRun } from '../segmentation/run.js';

/** Subscription topics. */
export const RUN_UPDATED = 'RUN_UPDATED';
export const RECLUSTER_COMPLETED = 'RECLUSTER_COMPLETED';

export type RunPubSub = ReturnType<typeof createRunPubSub>;

/** In-process pub/sub for run events (one service instance owns its runs). */
export function createRunPubSub() {
  return createPubSub<{ [RUN_UPDATED]: [SegmentationRun]; [RECLUSTER_COMPLETED]: [SegmentationRun] }>();
}
