/**
 * GraphQL over HTTP as the spec describes it (application/graphql-response+json and its status
 * codes) and persisted operations: hashes filled in from the manifest, and the allowlist mode.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/app/errors.js';
import { loadPersistedOperations, sha256 } from '../../src/server/persisted-operations.js';
import { collect, startTestServer, type TestServer } from '../support/test-server.js';

const post = (server: TestServer, body: unknown, accept: string) =>
  fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body) });

describe('GraphQL over HTTP media types', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('answers application/graphql-response+json when asked, with 200 for a result and 4xx for a request that cannot run', async () => {
    const ok = await post(server, { query: '{ segments { id } }' }, 'application/graphql-response+json, application/json;q=0.9');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    const invalid = await post(server, { query: '{ noSuchField }' }, 'application/graphql-response+json');
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(((await invalid.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const unparsable = await post(server, { query: '{ segments { id ' }, 'application/graphql-response+json');
    expect(unparsable.status).toBe(400);
  });

  it('keeps application/json for clients that ask for it', async () => {
    const res = await post(server, { query: '{ segments { id } }' }, 'application/json');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('subscriptions over SSE (graphql-sse)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await server.gql(`mutation { upsertUsers(users: [{ id: "a", text: "space rockets" }, { id: "b", text: "baking bread" }, { id: "c", text: "rocket launch" }]) { count } }`);
  });
  afterAll(() => server?.close());

  const stream = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers }, body: JSON.stringify(body) });

  it('streams a run\'s updates as next events, then complete, on the GraphQL path', async () => {
    const started = await server.gql<{ startSegmentationRun: { run: { id: string } } }>(`mutation { startSegmentationRun(input: { k: 2, seed: 1 }) { run { id } } }`);
    const runId = started.data!.startSegmentationRun.run.id;
    const res = await stream({ query: 'subscription($id: ID) { segmentationRunUpdated(runId: $id) { id status } }', variables: { id: runId } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // The stream ends after the run's final state.
    const text = await res.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: ?(.*)\n/g)].map((m) => ({ event: m[1], data: m[2] }));
    const nexts = events.filter((e) => e.event === 'next').map((e) => JSON.parse(e.data!) as { data: { segmentationRunUpdated: { id: string; status: string } } });
    expect(nexts.length).toBeGreaterThan(0);
    expect(nexts.every((n) => n.data.segmentationRunUpdated.id === runId)).toBe(true);
    expect(nexts.at(-1)!.data.segmentationRunUpdated.status).toBe('SUCCEEDED');
    expect(events.at(-1)!.event).toBe('complete');
  });

  it('refuses queries, invalid documents and over-limit documents over SSE with 400 and a code', async () => {
    const query = await stream({ query: '{ segments { id } }' });
    expect(query.status).toBe(400);
    expect(((await query.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    const invalid = await stream({ query: 'subscription { noSuchField }' });
    expect(invalid.status).toBe(400);
    const deep = await stream({ query: `subscription { reclusterCompleted ${'{ id '.repeat(100)}${'}'.repeat(100)} }` });
    expect(deep.status).toBe(400);
  });

  it('needs an API key like every GraphQL request when keys are configured', async () => {
    const keyed = await startTestServer({ API_KEYS: 'reader:reader-0123456789abcdef0123456789' });
    try {
      const body = JSON.stringify({ query: 'subscription { reclusterCompleted { id } }' });
      const headers = { 'content-type': 'application/json', accept: 'text/event-stream' };
      const anonymous = await fetch(`${keyed.url}/graphql`, { method: 'POST', headers, body });
      expect(anonymous.status).toBe(401);
      const controller = new AbortController();
      const allowed = await fetch(`${keyed.url}/graphql`, {
        method: 'POST',
        headers: { ...headers, authorization: 'Bearer reader-0123456789abcdef0123456789' },
        body,
        signal: controller.signal,
      });
      expect(allowed.status).toBe(200);
      controller.abort();
    } finally {
      await keyed.close();
    }
  });
});

describe('persisted operations', () => {
  const SEGMENTS = 'query Segments { segments { id label } }';
  const RUNS = 'subscription Runs { reclusterCompleted { id } }';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-persisted-'));
  const manifest = path.join(dir, 'persisted-documents.json');
  fs.writeFileSync(manifest, JSON.stringify({ [sha256(SEGMENTS)]: SEGMENTS, [sha256(RUNS)]: RUNS }));
  const byHash = (query: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('with a manifest', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ PERSISTED_OPERATIONS_FILE: manifest });
    });
    afterAll(() => server?.close());

    it('runs a listed operation sent as its hash alone, over POST and GET, and still answers other documents', async () => {
      const posted = await post(server, byHash(SEGMENTS), 'application/json');
      expect(await posted.json()).toEqual({ data: { segments: [] } });
      const params = new URLSearchParams({ extensions: JSON.stringify(byHash(SEGMENTS).extensions) });
      const got = await fetch(`${server.url}/graphql?${params}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
      expect(await got.json()).toEqual({ data: { segments: [] } });
      expect((await server.gql(`{ users(first: 1) { totalCount } }`)).data).toEqual({ users: { totalCount: 0 } });
    });
  });

  describe('allowlist mode (PERSISTED_OPERATIONS_ONLY)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ PERSISTED_OPERATIONS_FILE: manifest, PERSISTED_OPERATIONS_ONLY: 'true' });
    });
    afterAll(() => server?.close());

    it('answers listed operations, by hash or by text', async () => {
      expect(await (await post(server, byHash(SEGMENTS), 'application/json')).json()).toEqual({ data: { segments: [] } });
      expect((await server.gql(SEGMENTS)).data).toEqual({ segments: [] });
    });

    it('refuses any other document over HTTP with 400 PERSISTED_QUERY_NOT_IN_LIST, and unknown hashes too', async () => {
      const other = await server.gql(`{ users(first: 1) { totalCount } }`);
      expect(other.status).toBe(400);
      expect(other.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      const unknownHash = await post(server, byHash('{ segments { id } }'), 'application/json');
      expect(unknownHash.status).toBe(400);
      const mutation = await server.gql(`mutation { upsertUsers(users: [{ id: "x", text: "y" }]) { count } }`);
      expect(mutation.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(await server.app.services.users.count()).toBe(0);
    });

    it('applies the same rule to WebSocket operations', async () => {
      await expect(collect(server.ws(), `subscription { segmentationRunUpdated { id } }`, {})).rejects.toThrow(/PERSISTED_QUERY_NOT_IN_LIST|persisted operations/);
      const client = server.ws();
      // A listed subscription is accepted (it waits for events; give it a moment, then stop).
      const events = await Promise.race([
        collect(client, RUNS, {}),
        new Promise<string>((resolve) => setTimeout(() => resolve('open'), 300)),
      ]);
      expect(events).toBe('open');
    });
  });

  it('refuses to start in allowlist mode without a manifest, or with a hash that is not its document\'s', () => {
    expect(() => loadPersistedOperations(undefined, true)).toThrow(StartupError);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ ['0'.repeat(64)]: SEGMENTS }));
    expect(() => loadPersistedOperations(bad, false)).toThrow(/not the sha256/);
    const apollo = path.join(dir, 'apollo.json');
    fs.writeFileSync(apollo, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(SEGMENTS), body: SEGMENTS, name: 'Segments', type: 'query' }] }));
    expect(loadPersistedOperations(apollo, true)?.byHash.get(sha256(SEGMENTS))).toBe(SEGMENTS);
  });
});
