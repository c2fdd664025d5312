import { registerEnumType } from 'type-graphql';

/** GraphQL enums mirror the domain's string unions (values are the same strings). */
export enum InteractionKindEnum {
  VIEW = 'VIEW',
  CLICK = 'CLICK',
  LIKE = 'LIKE',
  RATING = 'RATING',
  PURCHASE = 'PURCHASE',
}
registerEnumType(InteractionKindEnum, {
  name: 'InteractionKind',
  description: 'What a user did with an item. Each kind weighs differently in profiles and recommendations (INTERACTION_WEIGHTS).',
  valuesConfig: {
    VIEW: { description: 'Saw the item; value optional (0 to 1,000,000, e.g. seconds watched).' },
    CLICK: { description: 'Clicked or opened it; value optional (0 to 1,000,000).' },
    LIKE: { description: 'Liked or saved it; value optional (0 to 1,000,000).' },
    RATING: { description: 'Rated it; value required, 0 to 5 (2 or less counts as a dislike).' },
    PURCHASE: { description: 'Bought it; value optional (0 to 1,000,000,000: quantity or amount).' },
  },
});

export enum RunStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(RunStatusEnum, {
  name: 'RunStatus',
  description: 'Lifecycle of a segmentation run: QUEUED, RUNNING, then one of SUCCEEDED, FAILED or CANCELLED.',
  valuesConfig: {
    QUEUED: { description: 'Accepted, not started yet.' },
    RUNNING: { description: 'Clustering; see phase and progress.' },
    SUCCEEDED: { description: 'Done; its segments are now the active ones.' },
    FAILED: { description: 'Stopped by an error (see error); the previous segments keep answering.' },
    CANCELLED: { description: 'Stopped by a cancel (or a shutdown); the previous segments keep answering.' },
  },
});

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
  valuesConfig: {
    QUEUED: { description: 'Waiting to start.' },
    SCROLLING: { description: 'Reading user vectors out of the store.' },
    CLUSTERING: { description: 'Running k-means (for every k of kRange in turn).' },
    DESCRIBING: { description: 'Computing keywords, traits, top items and metrics of the segments.' },
    WRITING: { description: 'Writing segments and memberships.' },
    DONE: { description: 'Ended (whatever the status).' },
  },
});

export enum ClusteringAlgorithmEnum {
  KMEANS = 'KMEANS',
  KMEANS_REFERENCE = 'KMEANS_REFERENCE',
}
registerEnumType(ClusteringAlgorithmEnum, {
  name: 'ClusteringAlgorithm',
  description: 'KMEANS: the project\'s fast k-means (k-means++ seeding, Hamerly\'s bounds). KMEANS_REFERENCE: ml-kmeans, slower, for comparison.',
  valuesConfig: {
    KMEANS: { description: 'Fast exact k-means: k-means++ seeding, Hamerly\'s bounds (default).' },
    KMEANS_REFERENCE: { description: 'The ml-kmeans reference implementation (much slower on large populations).' },
  },
});

export enum EmbeddingWarningCodeEnum {
  NOTHING_REPRESENTED = 'NOTHING_REPRESENTED',
  LOW_COVERAGE = 'LOW_COVERAGE',
}
registerEnumType(EmbeddingWarningCodeEnum, {
  name: 'EmbeddingWarningCode',
  description: 'Why a written row got a coverage warning.',
  valuesConfig: {
    NOTHING_REPRESENTED: { description: 'The model represents none of the text (coverage 0): kept out of segments and similarity unless behaviour places the user.' },
    LOW_COVERAGE: { description: 'The model represents less than half of the text (coverage below 0.5).' },
  },
});
