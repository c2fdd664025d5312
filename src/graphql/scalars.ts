import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';

/** The custom scalars of the schema, re-exported so types import them from one place. */
export { GraphQLDateTime as DateTimeScalar, GraphQLJSONObject as JSONObjectScalar };
