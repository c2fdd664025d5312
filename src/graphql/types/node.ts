import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Relay's object identification. The global id is `nodeId`, not `id`: every type's `id` stays the
 * application id clients created it with (and pass to user(id:), item(id:), …). Relay reads it
 * with `schemaConfig.nodeInterfaceIdField: "nodeId"` in relay.config.
 */
@InterfaceType('Node', {
  description:
    'An object with a global id: fetch it again with node(id:) or nodes(ids:). Implemented by User, Item, Segment and SegmentationRun.',
  resolveType: (value: Record<string, unknown>) => {
    if ('represented' in value) return 'User';
    if ('title' in value) return 'Item';
    if ('keywords' in value) return 'Segment';
    return 'SegmentationRun';
  },
})
export abstract class NodeInterface {
  @Field(() => ID, { description: 'Opaque global id, unique across types and stable; not the same as `id`.' })
  nodeId!: string;
}
