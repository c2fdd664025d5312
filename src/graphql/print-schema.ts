import { printSchema } from 'graphql';
import { createRunPubSub } from './events.js';
import { buildAppSchema } from './schema.js';

export const SCHEMA_HEADER =
  '# segmentql GraphQL schema: the contract frontends generate code from.\n' +
  '# Generated from the code by `npm run schema`; a test fails when it drifts. Do not edit by hand.\n\n';

/** The SDL of the code-first schema, as committed in schema/schema.graphql. */
export async function printAppSchema(): Promise<string> {
  return SCHEMA_HEADER + printSchema(await buildAppSchema(createRunPubSub())) + '\n';
}
