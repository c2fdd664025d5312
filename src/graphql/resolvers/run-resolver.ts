import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { validateLimit } from '../../app/validation.js';
import { isTerminal, type SegmentationRun } from '../../segmentation/run.js';
import type { GraphQLContext } from '../context.js';
import { RECLUSTER_COMPLETED, RUN_UPDATED, type RunPubSub } from '../events.js';
import { ReclusterInputType } from '../types/inputs.js';
import { SegmentationRunType, SegmentType } from '../types/objects.js';

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

@Resolver(() => SegmentationRunType)
export class RunResolver {
  @Mutation(() => SegmentationRunType, {
    description:
      'Starts a segmentation run in the background and returns it at once (QUEUED). Follow it with segmentationRunUpdated. ' +
      'One run at a time: while one is queued or running this fails with CONFLICT.',
  })
  recluster(@Arg('input', () => ReclusterInputType, { nullable: true }) input: ReclusterInputType | null, @Ctx() { services }: GraphQLContext) {
    return services.segmentation.recluster({ k: input?.k, seed: input?.seed });
  }

  @Query(() => SegmentationRunType, { nullable: true, description: 'A run by id; null when unknown.' })
  segmentationRun(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext) {
    return services.segmentation.getRun(id);
  }

  @Query(() => [SegmentationRunType], { description: 'Runs, newest first.' })
  segmentationRuns(@Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() { services }: GraphQLContext) {
    validateLimit(first, 'first', services.limits);
    return services.segmentation.listRuns(first);
  }

  @Query(() => SegmentationRunType, { nullable: true, description: 'The run whose segments answer queries now.' })
  activeSegmentationRun(@Ctx() { services }: GraphQLContext) {
    const id = services.segmentation.activeRunId();
    return id ? services.segmentation.getRun(id) : null;
  }

  @FieldResolver(() => [SegmentType], { description: 'The run\'s segments (empty until it succeeds), largest first.' })
  segments(@Root() run: SegmentationRun, @Ctx() { services }: GraphQLContext) {
    return run.status === 'SUCCEEDED' ? services.segmentation.segmentsOfRun(run.id) : [];
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
  segmentationRunUpdated(@Root() run: SegmentationRun, @Arg('runId', () => ID, { nullable: true }) _runId: string | null) {
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
