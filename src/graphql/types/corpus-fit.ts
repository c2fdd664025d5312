import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';
import { UserErrorType } from './user-error.js';

export enum CorpusFitPhaseEnum {
  IDLE = 'IDLE',
  FITTING = 'FITTING',
  REEMBEDDING = 'REEMBEDDING',
}
registerEnumType(CorpusFitPhaseEnum, {
  name: 'CorpusFitPhase',
  description: 'What the corpus fit is doing.',
  valuesConfig: {
    IDLE: { description: 'Nothing: the fit in use (if any) is applied to every stored vector.' },
    FITTING: { description: 'Counting the stored corpus and computing a new fit.' },
    REEMBEDDING: {
      description:
        'Re-embedding every item and user with the new fit. New writes and text queries already use it; records not yet re-embedded still have the previous fit\'s vectors.',
    },
  },
});

@ObjectType('CorpusFit', {
  description:
    "The default model's fit to the service's own texts (README \"Languages: the corpus fit\"): word weights and co-occurrence (LSA) directions for words the word vectors do not know, so that texts in any language group by theme.",
})
export class CorpusFitType {
  @Field(() => String, { description: 'The model new vectors and text queries come from: the base model\'s id, with "+fit-<fitId>" once fitted. The store records it with the vectors.' })
  modelId!: string;

  @Field(() => String, { nullable: true, description: 'Id of the fit in use (a hash of its statistics); null before the first fit.' })
  fitId!: string | null;

  @Field(() => Int, { nullable: true, description: 'Documents (users and items) the fit in use was made from; null before the first fit.' })
  fittedDocuments!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the fit in use was made; null before the first fit.' })
  fittedAt!: Date | null;

  @Field(() => CorpusFitPhaseEnum, { description: 'What the fit is doing now.' })
  phase!: CorpusFitPhaseEnum;

  @Field(() => Int, { description: 'Records (items, then users) the fit being applied has re-embedded so far; after it, how many the last one re-embedded.' })
  reembedded!: number;

  @Field(() => Int, { description: 'Records the fit being applied re-embeds in all (the last one\'s, when idle).' })
  toReembed!: number;

  @Field(() => Float, { description: 'reembedded / toReembed, 0..1 (1 when there is nothing to re-embed).' })
  progress!: number;

  @Field(() => String, { nullable: true, description: 'Why the current or last fit was made (the refit policy, or refitCorpus).' })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the last fit failed, if it did; the service kept the fit it had.' })
  lastError!: string | null;
}

@ObjectType('RefitCorpusPayload', { description: 'The corpus fit refitCorpus started (or the one already running), or why it did nothing.' })
export class RefitCorpusPayloadType {
  @Field(() => CorpusFitType, { nullable: true, description: 'The fit\'s state right after the mutation: phase FITTING, or the running fit\'s; null when rejected.' })
  corpusFit!: CorpusFitType | null;

  @Field(() => [UserErrorType], { description: 'Problems with the input; when not empty, nothing was written.' })
  userErrors!: UserErrorType[];
}
