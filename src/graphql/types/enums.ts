import { registerEnumType } from 'type-graphql';

/** GraphQL enums mirror the domain's string unions (values are the same strings). */
export enum InteractionKindEnum {
  VIEW = 'VIEW',
  CLICK = 'CLICK',
  LIKE = 'LIKE',
  RATING = 'RATING',
  PURCHASE = 'PURCHASE',
}
registerEnumType(InteractionKindEnum, { name: 'InteractionKind', description: 'What a user did with an item.' });

export enum RunStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(RunStatusEnum, { name: 'RunStatus', description: 'Lifecycle of a segmentation run.' });

export enum RunPhaseEnum {
  QUEUED = 'queued',
  SCROLLING = 'scrolling',
  CLUSTERING = 'clustering',
  DESCRIBING = 'describing',
  WRITING = 'writing',
  DONE = 'done',
}
registerEnumType(RunPhaseEnum, {
  name: 'RunPhase',
  description: 'What a run is doing: scrolling vectors out of the store, clustering, describing segments, writing them back.',
});

export enum ClusteringAlgorithmEnum {
  KMEANS = 'KMEANS',
  KMEANS_REFERENCE = 'KMEANS_REFERENCE',
}
registerEnumType(ClusteringAlgorithmEnum, {
  name: 'ClusteringAlgorithm',
  description: 'KMEANS: the project\'s fast k-means (k-means++ seeding, Elkan bounds). KMEANS_REFERENCE: ml-kmeans, slower, for comparison.',
  valuesConfig: {
    KMEANS: { description: 'Fast k-means (default).' },
    KMEANS_REFERENCE: { description: 'The ml-kmeans reference implementation (much slower on large populations).' },
  },
});

export enum EmbeddingWarningCodeEnum {
  NOTHING_REPRESENTED = 'NOTHING_REPRESENTED',
  LOW_COVERAGE = 'LOW_COVERAGE',
}
registerEnumType(EmbeddingWarningCodeEnum, {
  name: 'EmbeddingWarningCode',
  description: 'NOTHING_REPRESENTED: the model represents none of the text (coverage 0). LOW_COVERAGE: less than half of it.',
});
