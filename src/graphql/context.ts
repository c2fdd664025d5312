import type { InputLimits } from '../app/validation.js';
import type { AudienceService } from '../audience/audience-service.js';
import type { Principal } from '../auth/roles.js';
import type { CorpusFitService } from '../corpus/corpus-fit-service.js';
import type { ErasureService } from '../erasure/erasure-service.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import type { ItemService } from '../items/item-service.js';
import type { RecommendationService } from '../recommendation/recommendation-service.js';
import type { MembershipService } from '../segmentation/membership-service.js';
import type { SegmentRepository } from '../segmentation/segment-repository.js';
import type { FairnessView } from '../segmentation/fairness.js';
import type { SegmentIdentityService } from '../segmentation/segment-identity-service.js';
import type { SegmentSearchService } from '../segmentation/segment-search.js';
import type { SegmentationService } from '../segmentation/segmentation-service.js';
import type { UserService } from '../users/user-service.js';
import type { WebhookOutbox } from '../webhooks/webhook-outbox.js';

/** What resolvers may call: services only, never the store or the embedder. */
export interface Services {
  users: UserService;
  items: ItemService;
  interactions: InteractionService;
  /** Runs: recluster, cancel, history, which run is active. */
  segmentation: SegmentationService;
  /** Segments of any run, by id, by run, children. */
  segments: SegmentRepository;
  memberships: MembershipService;
  segmentSearch: SegmentSearchService;
  /** Segments by stable key; names and descriptions of keys. */
  segmentIdentity: SegmentIdentityService;
  /** Skews of sensitive attributes (SENSITIVE_ATTRIBUTES). */
  fairness: FairnessView;
  /** Webhook deliveries of membership events (status). */
  webhooks: WebhookOutbox;
  recommendations: RecommendationService;
  /** Who is likely to engage with items; segments by lift for an item. */
  audience: AudienceService;
  erasure: ErasureService;
  /** The default model's corpus fit; null when EMBEDDING_MODEL is another model. */
  corpusFit: CorpusFitService | null;
  limits: InputLimits;
}

export interface GraphQLContext {
  services: Services;
  /** Who is calling: the role of their API key (admin in open mode). */
  principal: Principal;
}
