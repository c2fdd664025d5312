/**
 * graphql-codegen for a frontend of segmentql: copy this file into the frontend, point `schema` at
 * segmentql's schema/schema.graphql (or at the running service's /graphql), and run
 * `npx graphql-codegen` (dev dependencies: @graphql-codegen/cli, @graphql-codegen/client-preset).
 * The client preset writes typed documents for Apollo Client, urql and graphql-request.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  // The frontend's operations: graphql(`...`) calls in its sources, or .graphql files.
  documents: ['src/**/*.{ts,tsx}', 'src/**/*.graphql'],
  ignoreNoDocuments: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      config: {
        // The custom scalars as they arrive in JSON: DateTime is an RFC 3339 string, JSONObject a plain object.
        scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
