import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import { badInput } from '../app/errors.js';
import { jsonDepthExceeds } from '../app/json-depth.js';
import { MAX_JSON_DEPTH } from '../app/validation.js';

/**
 * graphql-scalars' JSONObject with a nesting limit checked first, without recursion:
 * its own parseLiteral (and anything later that stringifies the value) recurses once per
 * level, so an object nested thousands deep would overflow the stack and surface as an
 * internal error. Same name, description and behaviour otherwise, so the schema is unchanged.
 */
const JSONObjectScalar = new GraphQLScalarType({
  ...GraphQLJSONObject.toConfig(),
  parseValue(value: unknown) {
    if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) throw tooDeep();
    return GraphQLJSONObject.parseValue(value);
  },
  parseLiteral(node: ValueNode, variables?: Record<string, unknown> | null) {
    if (literalDepthExceeds(node, MAX_JSON_DEPTH)) throw tooDeep();
    const value: unknown = GraphQLJSONObject.parseLiteral(node, variables);
    // Variables inside the literal were coerced by their own types, but check the whole result anyway.
    if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) throw tooDeep();
    return value;
  },
});

/** A GraphQL error carrying the domain error, so the client sees BAD_USER_INPUT (see format-error.ts). */
function tooDeep(): GraphQLError {
  const error = badInput(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`, { limit: MAX_JSON_DEPTH });
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code } });
}

function literalDepthExceeds(node: ValueNode, limit: number): boolean {
  const stack: Array<{ node: ValueNode; depth: number }> = [{ node, depth: 0 }];
  while (stack.length > 0) {
    const { node: current, depth } = stack.pop()!;
    if (current.kind !== Kind.OBJECT && current.kind !== Kind.LIST) continue;
    if (depth + 1 > limit) return true;
    const children = current.kind === Kind.OBJECT ? current.fields.map((f) => f.value) : current.values;
    for (const child of children) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}

/** The custom scalars of the schema, exported so types import them from one place. */
export { GraphQLDateTime as DateTimeScalar, JSONObjectScalar };
