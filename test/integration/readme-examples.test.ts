/**
 * Every ```graphql block of the README, run as written and in order against a real server with the
 * demo data (SEED_DEMO). Fails on any error and on any non-empty `userErrors`, so the examples
 * cannot rot. Ids the service generates are variables: $runId (the newest run), $segmentId and $segmentKey (the
 * largest active segment).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, startTestServer, type TestServer } from '../support/test-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fenced ```graphql blocks of a Markdown text, in order. */
export function graphqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```graphql\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Every `userErrors` list anywhere in a response's data that is not empty. */
function userErrorsIn(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(userErrorsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => (key === 'userErrors' && Array.isArray(v) ? v : userErrorsIn(v)));
}

const blocks = graphqlBlocks(fs.readFileSync(path.resolve('README.md'), 'utf8'));
const operations = blocks.flatMap((block, b) =>
  parse(block)
    .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation, o) => ({ name: operation.name?.value ?? `block ${b + 1}, operation ${o + 1}`, operation })),
);

describe('README examples', () => {
  let server: TestServer;

  async function idle(): Promise<void> {
    for (;;) {
      const res = await server.gql<{ segmentationRunsConnection: { nodes: Array<{ status: string }> } }>(
        `{ segmentationRunsConnection(first: 1) { nodes { status } } }`,
      );
      const status = res.data?.segmentationRunsConnection.nodes[0]?.status;
      if (status === 'SUCCEEDED') return;
      expect(['QUEUED', 'RUNNING', undefined]).toContain(status);
      await sleep(50);
    }
  }

  async function variables(operation: OperationDefinitionNode): Promise<Record<string, unknown>> {
    const ids = await server.gql<{ segmentationRunsConnection: { nodes: Array<{ id: string }> }; segments: Array<{ id: string; key: string }> }>(
      `{ segmentationRunsConnection(first: 1) { nodes { id } } segments { id key } }`,
    );
    const known: Record<string, unknown> = {
      runId: ids.data!.segmentationRunsConnection.nodes[0]?.id,
      segmentId: ids.data!.segments[0]?.id,
      segmentKey: ids.data!.segments[0]?.key,
    };
    const out: Record<string, unknown> = {};
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      if (name in known) out[name] = known[name];
    }
    return out;
  }

  beforeAll(async () => {
    server = await startTestServer({ SEED_DEMO: 'true', PROFILE_REFRESH_DELAY_MS: '0' });
    await idle();
  });
  afterAll(() => server?.close());

  it('finds the examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    expect(operations.map((o) => o.operation.operation)).toEqual(expect.arrayContaining(['query', 'mutation', 'subscription']));
  });

  it.each(operations.map((o, i) => [o.name, i] as const))('%s runs without errors', async (_name, index) => {
    const { operation } = operations[index]!;
    const query = print(operation);
    const vars = await variables(operation);
    if (operation.operation === 'subscription') {
      const events = await collect<Record<string, unknown>>(server.ws(), query, vars);
      expect(events.length).toBeGreaterThan(0);
      return;
    }
    const res = await server.gql(query, vars);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(userErrorsIn(res.data), JSON.stringify(res.data)).toEqual([]);
    // Later examples read what a run produced: let it finish first.
    if (operation.operation === 'mutation') await idle();
  });
});
