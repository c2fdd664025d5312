/**
 * Every GraphQL document the explorer sends, against the public schema (schema/schema.graphql),
 * with the shapes of their answers. Lists are kept small (top 5, top 3) so that each query stays
 * far below the service's cost limit (MAX_QUERY_COST) whatever its configuration.
 */

export const RUN_SUMMARY_FIELDS = `
  id status k userCount createdAt finishedAt active error liveAssignedSince
  metrics { silhouette }
  stability { previousRunId adjustedRandIndex sharedUsers movedUsers }
  changes { key kind relatedKeys usersEntered usersLeft }
  largestSkew { segmentKey attribute value share overallShare ratio flagged }
`;

export interface RunSummary {
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  k: number | null;
  userCount: number | null;
  createdAt: string;
  finishedAt: string | null;
  active: boolean;
  error: string | null;
  liveAssignedSince: number;
  metrics: { silhouette: number | null } | null;
  stability: { previousRunId: string; adjustedRandIndex: number; sharedUsers: number; movedUsers: number } | null;
  changes: SegmentChange[];
  largestSkew: Skew | null;
}

export interface SegmentChange {
  key: string;
  kind: 'KEPT' | 'SPLIT' | 'MERGED' | 'NEW' | 'RETIRED';
  relatedKeys: string[];
  usersEntered: number;
  usersLeft: number;
}

export interface Skew {
  segmentKey: string;
  attribute: string;
  value: string;
  share: number;
  overallShare: number;
  ratio: number;
  flagged: boolean;
}

export const RUN_HISTORY = `query ExplorerRunHistory($first: Int!) {
  activeSegmentationRun { id }
  segmentationRunsConnection(first: $first) { totalCount nodes { ${RUN_SUMMARY_FIELDS} } }
}`;

export interface RunHistoryAnswer {
  activeSegmentationRun: { id: string } | null;
  segmentationRunsConnection: { totalCount: number; nodes: RunSummary[] };
}

export const RUN_DETAILS = `query ExplorerRun($id: ID!, $sample: Int!) {
  segmentationRun(id: $id) {
    ${RUN_SUMMARY_FIELDS}
    projection(sample: $sample) {
      method
      centroids { segmentIndex segmentKey x y }
      members { userId segmentIndex segmentKey x y }
    }
    segments {
      id key index label name description size
      metrics { share cohesion separation }
      keywords { term weight }
      traits { attribute distinctiveness mean overallMean values { value count share overallShare lift } }
      topItems(limit: 5) { members share lift item { id title tags } }
      representativeUsers(limit: 3) { score user { id text } }
      skew { segmentKey attribute value share overallShare ratio flagged }
    }
  }
}`;

export interface SegmentDetails {
  id: string;
  key: string;
  index: number;
  label: string;
  name: string | null;
  description: string | null;
  size: number;
  metrics: { share: number; cohesion: number | null; separation: number | null };
  keywords: Array<{ term: string; weight: number }>;
  traits: Array<{
    attribute: string;
    distinctiveness: number;
    mean: number | null;
    overallMean: number | null;
    values: Array<{ value: string; count: number; share: number; overallShare: number; lift: number }>;
  }>;
  topItems: Array<{ members: number; share: number; lift: number; item: { id: string; title: string; tags: string[] } }>;
  representativeUsers: Array<{ score: number; user: { id: string; text: string | null } }>;
  skew: Skew[];
}

export interface ProjectionPoint {
  userId: string;
  segmentIndex: number;
  segmentKey: string | null;
  x: number;
  y: number;
}

export interface Projection {
  method: string;
  centroids: Array<{ segmentIndex: number; segmentKey: string | null; x: number; y: number }>;
  members: ProjectionPoint[];
}

export interface RunDetails extends RunSummary {
  projection: Projection | null;
  segments: SegmentDetails[];
}

export interface RunDetailsAnswer {
  segmentationRun: RunDetails | null;
}

export const USER_TEXT = `query ExplorerUserText($id: ID!) { user(id: $id) { id text } }`;

export interface UserTextAnswer {
  user: { id: string; text: string | null } | null;
}

export const SEARCH_SEGMENTS = `query ExplorerSearchSegments($query: String!, $limit: Int!) {
  searchSegments(query: $query, limit: $limit) { score segment { id key name label size } }
}`;

export interface SearchSegmentsAnswer {
  searchSegments: Array<{ score: number; segment: { id: string; key: string; name: string | null; label: string; size: number } }>;
}

/** Which optional fields this server has: the audience API is newer than some deployments. */
export const CAPABILITIES = `query ExplorerCapabilities {
  query: __type(name: "Query") { fields { name } }
  item: __type(name: "Item") { fields { name type { ...TypeRef } } }
}
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;

export interface TypeRef {
  kind: string;
  name: string | null;
  ofType?: TypeRef | null;
}

export interface CapabilitiesAnswer {
  query: { fields: Array<{ name: string }> } | null;
  item: { fields: Array<{ name: string; type: TypeRef }> } | null;
}

export const TYPE_FIELDS = `query ExplorerTypeFields($name: String!) {
  __type(name: $name) { fields { name type { ...TypeRef } } }
}
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;

export interface TypeFieldsAnswer {
  __type: { fields: Array<{ name: string; type: TypeRef }> } | null;
}

export const AUDIENCE = `query ExplorerAudience($itemIds: [ID!], $tags: [String!], $text: String, $first: Int) {
  audience(itemIds: $itemIds, tags: $tags, text: $text, first: $first) {
    score reason user { id text segment { key name label } }
  }
}`;

export interface AudienceAnswer {
  audience: Array<{ score: number; reason: string; user: { id: string; text: string | null; segment: { key: string; name: string | null; label: string } | null } }>;
}

export const ITEM_TITLE = `query ExplorerItem($id: ID!) { item(id: $id) { id title tags } }`;

export interface ItemAnswer {
  item: { id: string; title: string; tags: string[] } | null;
}

/** Members pages for the CSV export; 100 is the default MAX_RESULT_LIMIT. */
export const MEMBERS_PAGE_SIZE = 100;

export const SEGMENT_MEMBERS = `query ExplorerSegmentMembers($id: ID!, $first: Int!, $after: String) {
  segment(id: $id) {
    members(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id text attributes }
    }
  }
}`;

export interface SegmentMembersAnswer {
  segment: {
    members: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<{ id: string; text: string | null; attributes: Record<string, unknown> }>;
    };
  } | null;
}
