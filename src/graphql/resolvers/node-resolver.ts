import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { badInput } from '../../app/errors.js';
import type { GraphQLContext } from '../context.js';
import { loadersOf } from '../loaders.js';
import { fromGlobalId } from '../node-id.js';
import { NodeInterface } from '../types/node.js';

/** Looks up any Node by its global id through the request's loaders, so nodes(ids:) costs one store call per type. */
function loadNode(context: GraphQLContext, globalId: string) {
  const { type, id } = fromGlobalId(globalId);
  const loaders = loadersOf(context);
  switch (type) {
    case 'User':
      return loaders.users.load(id);
    case 'Item':
      return loaders.items.load(id);
    case 'Segment':
      return loaders.segments.load(id);
    case 'SegmentationRun':
      return loaders.runs.load(id);
  }
}

@Resolver()
export class NodeResolver {
  @Query(() => NodeInterface, {
    nullable: true,
    description: 'Any object by its global id (`nodeId`); null when it no longer exists. A string that is not a global id is BAD_USER_INPUT.',
  })
  node(@Arg('id', () => ID, { description: 'A nodeId from this API.' }) id: string, @Ctx() context: GraphQLContext) {
    return loadNode(context, id);
  }

  @Query(() => [NodeInterface], {
    nullable: 'items',
    description: 'Objects by global id, in the order asked (null for those that no longer exist); at most MAX_RESULT_LIMIT ids (default 100).',
  })
  nodes(@Arg('ids', () => [ID], { description: 'nodeIds from this API.' }) ids: string[], @Ctx() context: GraphQLContext) {
    if (ids.length > context.services.limits.maxResultLimit) {
      throw badInput(`ids: at most ${context.services.limits.maxResultLimit} ids`, { limit: context.services.limits.maxResultLimit });
    }
    return Promise.all(ids.map((id) => loadNode(context, id)));
  }
}
