import { Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { CorpusFitStatus } from '../../corpus/corpus-fit-service.js';
import type { GraphQLContext } from '../context.js';
import { CorpusFitPhaseEnum, CorpusFitType, RefitCorpusPayloadType } from '../types/corpus-fit.js';
import { UserErrorCodeEnum } from '../types/user-error.js';

function toType(status: CorpusFitStatus): CorpusFitType {
  return {
    ...status,
    phase: status.phase as CorpusFitPhaseEnum,
    progress: status.toReembed === 0 ? 1 : status.reembedded / status.toReembed,
  };
}

@Resolver()
export class CorpusFitResolver {
  @Query(() => CorpusFitType, {
    nullable: true,
    description: 'The corpus fit of the default model: which fit is in use and what it is doing. Null when EMBEDDING_MODEL is not the default model (other models are not fitted).',
  })
  corpusFit(@Ctx() context: GraphQLContext): CorpusFitType | null {
    const service = context.services.corpusFit;
    return service ? toType(service.status()) : null;
  }

  @Mutation(() => RefitCorpusPayloadType, {
    nullable: true,
    description:
      'Fits the default model to the stored users\' and items\' texts now, then re-embeds every item and user with the fit, in the background (follow it with the corpusFit query). ' +
      'While a fit is running, answers that fit instead of starting another. A fit identical to the one in use re-embeds nothing. Admin only.',
  })
  refitCorpus(@Ctx() context: GraphQLContext): RefitCorpusPayloadType {
    const service = context.services.corpusFit;
    if (!service) {
      // No argument to point at: the refusal concerns the configuration (field null).
      const message = 'the configured EMBEDDING_MODEL is not the default model; only the default model is fitted to the corpus';
      return { corpusFit: null, userErrors: [{ field: null, code: UserErrorCodeEnum.CONFLICT, message }] };
    }
    return { corpusFit: toType(service.refit()), userErrors: [] };
  }
}
