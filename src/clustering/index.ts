/**
 * The clustering engine: pure functions over row-major Float32Array matrices (n x d), no I/O.
 * k-means (k-means++ seeding, Lloyd with Hamerly's bounds and a SIMD kernel), quality metrics, adjusted Rand index,
 * and automatic choice of k by silhouette.
 */
export { kmeans, kmeansPlusPlus, defaultInitSampleSize, type KMeansOptions, type KMeansResult, type KMeansPlusPlusOptions } from './kmeans.js';
export {
  calinskiHarabasz,
  clusterMeans,
  clusterStats,
  clusteringQuality,
  daviesBouldin,
  DEFAULT_SILHOUETTE_SAMPLE_SIZE,
  inertia,
  sampleDistances,
  silhouetteFromDistances,
  silhouetteScore,
  type ClusterStats,
  type ClusteringQuality,
  type DistanceMetric,
  type DistanceSample,
  type SilhouetteOptions,
} from './metrics.js';
export { adjustedRandIndex } from './ari.js';
export { chooseK, DEFAULT_K_SELECTION_INITS, type ChooseKOptions, type ChooseKResult, type KCandidate } from './choose-k.js';
export { makeBlobs, type Blobs, type BlobsOptions } from './blobs.js';
export { Random } from './random.js';
