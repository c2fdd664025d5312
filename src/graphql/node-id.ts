import { badInput } from '../app/errors.js';

/** The types that implement Node, by the name their global ids carry. */
export const NODE_TYPES = ['User', 'Item', 'Segment', 'SegmentationRun'] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

/**
 * Global object ids (Relay): base64url of "<Type>:<id>", unique across types and opaque to clients.
 * Each type's own `id` stays the application id it was created with.
 */
export function toGlobalId(type: NodeTypeName, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { type: NodeTypeName; id: string } {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const at = decoded.indexOf(':');
  const type = decoded.slice(0, at) as NodeTypeName;
  if (at <= 0 || !NODE_TYPES.includes(type) || toGlobalId(type, decoded.slice(at + 1)) !== globalId) {
    throw badInput(`"${globalId.slice(0, 100)}" is not a global id from this API`);
  }
  return { type, id: decoded.slice(at + 1) };
}
