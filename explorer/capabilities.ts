/**
 * Optional parts of the API: the audience queries (`Query.audience`, `Item.segmentAffinity`) are
 * newer than some deployments. The explorer asks the schema (introspection) which are there; where
 * introspection is turned off it tries the query and reads the validation error instead.
 */
import { GraphQLRequestError, type GraphQLClient } from './graphql-client';
import { CAPABILITIES, TYPE_FIELDS, type CapabilitiesAnswer, type TypeFieldsAnswer, type TypeRef } from './queries';

export interface Capabilities {
  /** Query.audience exists: true/false, or undefined when the schema could not be asked. */
  audience: boolean | undefined;
  /** The selection to ask of each Item.segmentAffinity entry, or null when the field is missing. */
  segmentAffinity: AffinitySelection | null | undefined;
}

export interface AffinitySelection {
  /** Scalar fields of the entry type, in schema order (e.g. score, share, lift). */
  scalars: string[];
  /** Whether the entry has a `segment: Segment` field. */
  hasSegment: boolean;
}

export const UNKNOWN_CAPABILITIES: Capabilities = { audience: undefined, segmentAffinity: undefined };

/** The named type under NON_NULL and LIST wrappers, and whether a LIST was among them. */
export function unwrap(type: TypeRef): { name: string | null; kind: string; list: boolean } {
  let list = false;
  let current: TypeRef | null | undefined = type;
  while (current && (current.kind === 'NON_NULL' || current.kind === 'LIST')) {
    if (current.kind === 'LIST') list = true;
    current = current.ofType;
  }
  return { name: current?.name ?? null, kind: current?.kind ?? 'UNKNOWN', list };
}

export async function detectCapabilities(client: GraphQLClient): Promise<Capabilities> {
  let answer: CapabilitiesAnswer;
  try {
    answer = await client.request<CapabilitiesAnswer>(CAPABILITIES);
  } catch {
    return UNKNOWN_CAPABILITIES;
  }
  const audience = answer.query ? answer.query.fields.some((f) => f.name === 'audience') : undefined;
  const affinityField = answer.item?.fields.find((f) => f.name === 'segmentAffinity');
  if (!answer.item) return { audience, segmentAffinity: undefined };
  if (!affinityField) return { audience, segmentAffinity: null };
  const entryType = unwrap(affinityField.type);
  if (entryType.kind !== 'OBJECT' || !entryType.name) return { audience, segmentAffinity: null };
  try {
    const fields = (await client.request<TypeFieldsAnswer>(TYPE_FIELDS, { name: entryType.name })).__type?.fields ?? [];
    const scalars = fields.filter((f) => {
      const t = unwrap(f.type);
      return !t.list && (t.kind === 'SCALAR' || t.kind === 'ENUM');
    });
    const hasSegment = fields.some((f) => f.name === 'segment' && unwrap(f.type).name === 'Segment' && !unwrap(f.type).list);
    if (scalars.length === 0 && !hasSegment) return { audience, segmentAffinity: null };
    return { audience, segmentAffinity: { scalars: scalars.map((f) => f.name), hasSegment } };
  } catch {
    return { audience, segmentAffinity: null };
  }
}

/** True when the service refused a query because a field is not in its schema. */
export function isMissingField(error: unknown, field: string): boolean {
  return (
    error instanceof GraphQLRequestError &&
    error.errors.some((e) => e.message.includes(`Cannot query field "${field}"`) || (e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && e.message.includes(`"${field}"`)))
  );
}

export function segmentAffinityQuery(selection: AffinitySelection): string {
  const segment = selection.hasSegment ? ' segment { key name label }' : '';
  return `query ExplorerSegmentAffinity($id: ID!, $limit: Int) {
  item(id: $id) { id segmentAffinity(limit: $limit) { ${selection.scalars.join(' ')}${segment} } }
}`;
}
