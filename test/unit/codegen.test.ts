/**
 * The codegen example (examples/codegen/codegen.ts) on the committed schema and the README's
 * operations: graphql-codegen's client preset must generate types that type-check, with the
 * custom scalars mapped (DateTime -> string, JSONObject -> Record<string, unknown>), not `unknown`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve('.');
// Inside the repository, so the generated code resolves graphql and @graphql-typed-document-node from node_modules.
const work = fs.mkdtempSync(path.join(root, 'node_modules', '.cache-codegen-test-'));

function graphqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```graphql\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('codegen example', () => {
  afterAll(() => { if (!process.env.KEEP) fs.rmSync(work, { recursive: true, force: true }); });

  it('generates types from the schema and the README operations that type-check, with mapped scalars', () => {
    graphqlBlocks(fs.readFileSync('README.md', 'utf8')).forEach((block, i) => fs.writeFileSync(path.join(work, `readme-${i}.graphql`), block));
    // The example's own settings, with this test's documents and output (and, for the second run, without the scalar mapping).
    const generate = (withScalars: boolean) => {
      fs.writeFileSync(
        path.join(work, 'codegen.ts'),
        `import base from ${JSON.stringify(path.join(root, 'examples/codegen/codegen.ts'))};
const target = Object.values(base.generates)[0] as { config: Record<string, unknown> };
const config = ${withScalars} ? target.config : { ...target.config, scalars: {} };
export default { ...base, schema: ${JSON.stringify(path.join(root, 'schema/schema.graphql'))},
  documents: [${JSON.stringify(path.join(work, '*.graphql'))}], ignoreNoDocuments: false,
  generates: { ${JSON.stringify(path.join(work, 'gql') + '/')}: { ...target, config } } };
`,
      );
      fs.rmSync(path.join(work, 'gql'), { recursive: true, force: true });
      execFileSync(process.execPath, [path.join(root, 'node_modules/@graphql-codegen/cli/esm/bin.js'), '--config', path.join(work, 'codegen.ts')], {
        cwd: work,
        stdio: 'pipe',
      });
    };
    generate(true);
    const types = fs.readFileSync(path.join(work, 'gql', 'graphql.ts'), 'utf8');
    expect(types).toMatch(/export type PeopleQuery = /);
    expect(types).toMatch(/export type AddUsersAndItemsMutation = /);

    // Uses the generated types the way a frontend would; the assignments fail to compile if a scalar came out as unknown.
    fs.writeFileSync(
      path.join(work, 'use.ts'),
      `import type { BrowseQuery, PeopleQuery, AddUsersAndItemsMutation, InteractionKind, UserErrorCode } from './gql/graphql.js';
import { PeopleDocument } from './gql/graphql.js';
declare const people: PeopleQuery;
declare const browse: BrowseQuery;
declare const added: AddUsersAndItemsMutation;
export const at: string | undefined = people.user?.interactionsConnection.nodes[0]?.at;
export const attributes: Record<string, unknown> | undefined = browse.users.nodes[0]?.attributes;
export const kind: InteractionKind | undefined = people.user?.interactionsConnection.nodes[0]?.kind;
export const code: UserErrorCode | undefined = added.upsertUsers?.userErrors[0]?.code;
export const field: readonly string[] | null | undefined = added.upsertUsers?.userErrors[0]?.field;
export const document = PeopleDocument;
`,
    );
    fs.writeFileSync(
      path.join(work, 'tsconfig.json'),
      JSON.stringify({
        // What a frontend built with a bundler (Vite, Next.js) uses.
        compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true, types: [] },
        include: ['use.ts', 'gql/**/*.ts'],
      }),
    );
    const tsc = () => execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(work, 'tsconfig.json')], { stdio: 'pipe' });
    expect(() => tsc()).not.toThrow();

    // And the check can fail: without the scalar mapping (DateTime and JSONObject as `any`/`unknown`) the same use does not compile.
    generate(false);
    expect(() => tsc()).toThrow();
  });
});
