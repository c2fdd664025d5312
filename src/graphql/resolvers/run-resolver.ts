import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { badInput } from '../../app/errors.js';
import { validateLimit } from '../../app/validation.js';
import { PROJECTION_SAMPLE_SIZE } from '../../segmentation/projection.js';
import { RunProjectionType } from '../types/projection.js';
import { isTerminal, type SegmentationRun } from '../../segmentation/run.js';
import type { GraphQLContext } from '../context.js';
import { RECLUSTER_COMPLETED, RUN_UPDATED, type RunPubSub } from '../events.js';
import { ReclusterInputType } from '../types/inputs.js';
import { ClusteringAlgorithmEnum } from '../types/enums.js';
import { SegmentationRunType, SegmentType } from '../types/objects.js';
import { AttributeConditionType, ClusteringMetricsType, KRangeType, KScoreType, RunStabilityType } from '../types/segmentation.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { loadersOf } from '../loaders.js';
import { toGlobalId } from '../node-id.js';
import { mutationPayload } from '../payloads/user-errors.js';
import { SegmentationRunConnectionType } from '../types/connections.js';
import { SegmentationRunPayloadType } from '../types/payloads.js';
import { AFTER_DESCRIPTION, FIRST_DESCRIPTION, toConnection } from './connection.js';
import { finite } from './finite.js';

interface SubscriptionContext extends GraphQLContext {
  pubSub: RunPubSub;
}

/**
 * A run's current state, then its updates until it ends. Subscribing to a run that has
 * already ended yields its final state once, so a fast run is never missed.
 */
async function* followRun(context: SubscriptionContext, runId: string | null): AsyncGenerator<SegmentationRun> {
  const events = context.pubSub.subscribe(RUN_UPDATED);
  try {
    if (runId !== null) {
      const current = context.services.segmentation.getRun(runId);
      if (!current) throw new GraphQLError(`no segmentation run with id "${runId}"`, { extensions: { code: 'NOT_FOUND' } });
      yield current;
      if (isTerminal(current.status)) return;
    }
    for await (const run of events) {
      if (runId !== null && run.id !== runId) continue;
      yield run;
      if (runId !== null && isTerminal(run.status)) return;
    }
  } finally {
    await events.return?.();
  }
}

/** The service's request from the GraphQL input (absent fields take the service's defaults). */
function reclusterRequest(input: ReclusterInputType | null) {
  return {
    k: input?.k,
    kRange: input?.kRange,
    algorithm: input?.algorithm,
    filter: input?.filter,
    subsegments: input?.subsegments,
    seed: input?.seed,
  };
}

@Resolver(() => SegmentationRunType)
export class RunResolver {
  @Mutation(() => SegmentationRunPayloadType, {
    nullable: true,
    description:
      'Starts a segmentation run in the background and returns it at once (QUEUED); follow it with segmentationRunUpdated. ' +
      'When it succeeds its segments become the active ones. One run at a time: while one is queued or running, userErrors has CONFLICT.',
  })
  startSegmentationRun(
    @Arg('input', () => ReclusterInputType, { nullable: true, description: 'How to cluster; defaults for everything when left out.' })
    input: ReclusterInputType | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    return mutationPayload('input', async () => ({ run: await services.segmentation.recluster(reclusterRequest(input)) }), { run: null });
  }

  @Mutation(() => SegmentationRunPayloadType, {
    nullable: true,
    description:
      'Cancels a queued or running run (it ends CANCELLED); the previous segments keep answering. ' +
      'An unknown id gives NOT_FOUND, an ended run CONFLICT, in userErrors.',
  })
  cancelSegmentationRun(@Arg('id', () => ID, { description: 'The run to cancel.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return mutationPayload('id', async () => ({ run: await services.segmentation.cancel(id) }), { run: null });
  }

  @Mutation(() => SegmentationRunType, {
    nullable: true,
    description: 'Starts a segmentation run (QUEUED). Input problems and CONFLICT are top-level errors.',
    deprecationReason: 'Use startSegmentationRun, which reports input problems and conflicts as userErrors.',
  })
  recluster(
    @Arg('input', () => ReclusterInputType, { nullable: true, description: 'How to cluster; defaults for everything when left out.' })
    input: ReclusterInputType | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.segmentation.recluster(reclusterRequest(input));
  }

  @Mutation(() => SegmentationRunType, {
    nullable: true,
    description: 'Cancels a queued or running run. Unknown ids (NOT_FOUND) and ended runs (CONFLICT) are top-level errors.',
    deprecationReason: 'Use cancelSegmentationRun, which reports NOT_FOUND and CONFLICT as userErrors.',
  })
  cancelRun(@Arg('id', () => ID, { description: 'The run to cancel.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return services.segmentation.cancel(id);
  }

  @Query(() => SegmentationRunType, { nullable: true, description: 'A run by id; null when unknown.' })
  segmentationRun(@Arg('id', () => ID, { description: 'The run\'s id (not the global nodeId).' }) id: string, @Ctx() context: GraphQLContext) {
    return loadersOf(context).runs.load(id);
  }

  @Query(() => [SegmentationRunType], {
    description: 'The most recent runs, newest first.',
    deprecationReason: 'Use segmentationRunsConnection, which pages with cursors and gives totalCount.',
  })
  segmentationRuns(
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, 1 to MAX_RESULT_LIMIT (default 100).' }) first: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    validateLimit(first, 'first', services.limits);
    return services.segmentation.listRuns(first);
  }

  @Query(() => SegmentationRunConnectionType, { description: 'Every run, newest first, paged with first/after.' })
  segmentationRunsConnection(
    @Arg('first', () => Int, { defaultValue: 20, description: FIRST_DESCRIPTION }) first: number,
    @Arg('after', () => String, { nullable: true, description: AFTER_DESCRIPTION }) after: string | null,
    @Ctx() { services }: GraphQLContext,
  ) {
    validateLimit(first, 'first', services.limits);
    const afterId = after == null ? null : decodeCursor('runs', after, (v): v is string => typeof v === 'string');
    const { runs, totalCount } = services.segmentation.pageRuns(first + 1, afterId);
    const edges = runs.slice(0, first).map((run) => ({ node: run, cursor: encodeCursor('runs', run.id) }));
    return toConnection(edges, { hasNextPage: runs.length > first, after, totalCount });
  }

  @Query(() => SegmentationRunType, { nullable: true, description: 'The run whose segments answer queries now.' })
  activeSegmentationRun(@Ctx() { services }: GraphQLContext) {
    const id = services.segmentation.activeRunId();
    return id ? services.segmentation.getRun(id) : null;
  }

  @FieldResolver(() => ID, { description: 'Opaque global id (Node): fetch the run again with node(id:).' })
  nodeId(@Root() run: SegmentationRun) {
    return toGlobalId('SegmentationRun', run.id);
  }

  @FieldResolver(() => [SegmentType], { description: 'The run\'s top-level segments (empty until it succeeds), largest first.' })
  segments(@Root() run: SegmentationRun, @Ctx() { services }: GraphQLContext) {
    return run.status === 'SUCCEEDED' ? services.segments.ofRun(run.id) : [];
  }

  @FieldResolver(() => RunProjectionType, {
    nullable: true,
    description: `Centroids and up to \`sample\` members in 2-D (PCA) for plots; null until the run succeeds. The run stores ${PROJECTION_SAMPLE_SIZE} sampled members.`,
  })
  async projection(
    @Root() run: SegmentationRun,
    @Arg('sample', () => Int, { defaultValue: 500, description: `Members to return, 0 to ${PROJECTION_SAMPLE_SIZE} (a random sample: the same for every call).` }) sample: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    if (!Number.isInteger(sample) || sample < 0 || sample > PROJECTION_SAMPLE_SIZE) throw badInput(`sample must be between 0 and ${PROJECTION_SAMPLE_SIZE}`);
    if (run.status !== 'SUCCEEDED') return null;
    const stored = services.segmentation.projection(run.id);
    if (!stored) return null;
    const keys = new Map((await services.segments.ofRun(run.id)).map((s) => [s.index, s.key] as const));
    const key = (index: number) => keys.get(index) ?? null;
    return {
      method: 'PCA',
      centroids: stored.centroids.map((c) => ({ ...c, segmentKey: key(c.segmentIndex) })),
      members: stored.members.slice(0, sample).map((m) => ({ ...m, segmentKey: key(m.segmentIndex) })),
    };
  }

  @FieldResolver(() => Int, { nullable: true, description: 'The k asked for; null when kRange or the default was used.' })
  requestedK(@Root() run: SegmentationRun) {
    return run.request.k;
  }

  @FieldResolver(() => Int, { description: 'Random seed: the same seed on the same users gives the same segments.' })
  seed(@Root() run: SegmentationRun) {
    return run.request.seed;
  }

  @FieldResolver(() => ClusteringAlgorithmEnum, { description: 'The clustering algorithm used.' })
  algorithm(@Root() run: SegmentationRun) {
    return run.request.algorithm;
  }

  @FieldResolver(() => KRangeType, { nullable: true, description: 'The range k was chosen from; null when a fixed k was used.' })
  kRange(@Root() run: SegmentationRun) {
    return run.request.kRange;
  }

  @FieldResolver(() => [AttributeConditionType], { description: 'The population filter; empty when every user was clustered.' })
  filter(@Root() run: SegmentationRun) {
    return run.request.filter.map((c) => ({ attribute: c.attribute, equals: c.equals ?? null, in: c.in ?? null }));
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Subsegments asked per segment; null without a hierarchy.' })
  subsegments(@Root() run: SegmentationRun) {
    return run.request.subsegments;
  }

  @FieldResolver(() => [KScoreType], { description: 'Silhouette of every k tried (one entry for a fixed k), in increasing k.' })
  kCandidates(@Root() run: SegmentationRun) {
    return run.kCandidates.map((c) => ({ k: c.k, silhouette: finite(c.silhouette) }));
  }

  @FieldResolver(() => ClusteringMetricsType, { nullable: true, description: 'Set once clustering is done.' })
  metrics(@Root() run: SegmentationRun) {
    const m = run.metrics;
    return m && { ...m, unrepresentedUsers: m.unrepresentedUsers ?? 0, silhouette: finite(m.silhouette), daviesBouldin: finite(m.daviesBouldin), calinskiHarabasz: finite(m.calinskiHarabasz) };
  }

  @FieldResolver(() => RunStabilityType, {
    nullable: true,
    description: 'Against the run this one replaced (null for the first run, or before it succeeds).',
  })
  stability(@Root() run: SegmentationRun) {
    return run.stability;
  }

  @FieldResolver(() => Int, {
    description: 'Users given a segment of this run live (created or changed since it finished): a hint that a new run is due.',
  })
  liveAssignedSince(@Root() run: SegmentationRun, @Ctx() { services }: GraphQLContext) {
    return run.status === 'SUCCEEDED' ? services.memberships.liveAssignedSince(run.id) : 0;
  }

  @FieldResolver(() => Boolean, { description: 'True for the run whose segments answer queries now.' })
  active(@Root() run: SegmentationRun, @Ctx() { services }: GraphQLContext) {
    return services.segmentation.activeRunId() === run.id;
  }

  @Subscription(() => SegmentationRunType, {
    description:
      'Progress and the final state of runs. With runId: that run\'s current state first, then its updates, ending after its final state. ' +
      'Without: updates of every run.',
    subscribe: ({ args, context }) => followRun(context as SubscriptionContext, (args.runId as string | null | undefined) ?? null),
  })
  segmentationRunUpdated(
    @Root() run: SegmentationRun,
    @Arg('runId', () => ID, { nullable: true, description: 'Follow this run only; every run\'s updates when left out.' }) _runId: string | null,
  ) {
    return run;
  }

  @Subscription(() => SegmentationRunType, {
    topics: RECLUSTER_COMPLETED,
    description: 'Each run once it has ended (SUCCEEDED, FAILED or CANCELLED).',
  })
  reclusterCompleted(@Root() run: SegmentationRun) {
    return run;
  }
}
