/**
 * Access control over real HTTP and graphql-ws against real servers: API keys and roles, the
 * WebSocket origin check, CORS, rate limiting, open mode, and keys never reaching the logs.
 */
import { pino } from 'pino';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED_PATHS } from '../../src/app/logger.js';
import { collect, startTestServer, type TestServer } from '../support/test-server.js';

const READER = 'reader-0123456789abcdef0123456789';
const WRITER = 'writer-0123456789abcdef0123456789';
const ADMIN = 'admin-0123456789abcdef0123456789';
const API_KEYS = `reader:${READER},writer:${WRITER},admin:${ADMIN}`;
const ALLOWED_ORIGIN = 'https://app.example.com';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const UPSERT = 'mutation { upsertUsers(users: [{ id: "u1", text: "hiking in the alps" }, { id: "u2", text: "baking bread" }]) { count } }';
const RUN_FIELDS = 'id status';

/** A logger that keeps every line, at the most verbose level, with the service's redaction. */
function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** The close event (code, reason) of a graphql-ws client that is refused. */
function closeOf(client: Client): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    client.on('closed', (event) => {
      const { code, reason } = event as { code: number; reason: string };
      resolve({ code, reason });
    });
    client.subscribe({ query: '{ segments { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  });
}

/** Opens a raw WebSocket upgrade with an Origin header: the HTTP status of the refusal, or 101. */
function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

async function waitForRunEnd(server: TestServer, id: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const res = await server.gql<{ segmentationRun: { status: string } }>(`{ segmentationRun(id: "${id}") { status } }`, {}, { headers: bearer(READER) });
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(res.data!.segmentationRun.status)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${id} did not end`);
}

describe('with API keys', () => {
  let server: TestServer;
  let wsUrl: string;
  const captured = capturingLogger();

  beforeAll(async () => {
    server = await startTestServer({ API_KEYS, CORS_ORIGINS: ALLOWED_ORIGIN, LOG_LEVEL: 'trace' }, undefined, captured.logger);
    wsUrl = `${server.url.replace('http', 'ws')}/graphql`;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 401 UNAUTHENTICATED with WWW-Authenticate: Bearer without a key or with an unknown one', async () => {
    const missing = await server.gql('{ segments { id } }');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(missing.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(missing.data).toBeUndefined();

    const wrong = await server.gql('{ segments { id } }', {}, { headers: bearer(`${READER}x`) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const notBearer = await server.gql('{ segments { id } }', {}, { headers: { authorization: READER } });
    expect(notBearer.status).toBe(401);
  });

  it('refuses a writer mutation to a reader with 403 FORBIDDEN and writes nothing', async () => {
    const res = await server.gql(UPSERT, {}, { headers: bearer(READER) });
    expect(res.status).toBe(403);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRole: 'writer' });
    const user = await server.gql<{ user: unknown }>('{ user(id: "u1") { id } }', {}, { headers: bearer(READER) });
    expect(user.status).toBe(200);
    expect(user.data).toEqual({ user: null });
  });

  it('lets a writer upsert but not recluster, even when the admin field hides in a fragment next to a permitted one', async () => {
    const upsert = await server.gql<{ upsertUsers: { count: number } }>(UPSERT, {}, { headers: bearer(WRITER) });
    expect(upsert.status).toBe(200);
    expect(upsert.data).toEqual({ upsertUsers: { count: 2 } });

    const recluster = await server.gql('mutation { recluster(input: { k: 2 }) { id } }', {}, { headers: bearer(WRITER) });
    expect(recluster.status).toBe(403);
    expect(recluster.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRole: 'admin' });

    const mixed = await server.gql(
      'mutation { upsertUsers(users: [{ id: "u3", text: "chess" }]) { count } ...Admin } fragment Admin on Mutation { recluster(input: { k: 2 }) { id } }',
      {},
      { headers: bearer(WRITER) },
    );
    expect(mixed.status).toBe(403);
    const u3 = await server.gql<{ user: unknown }>('{ user(id: "u3") { id } }', {}, { headers: bearer(WRITER) });
    expect(u3.data).toEqual({ user: null });
    const runs = await server.gql<{ segmentationRuns: unknown[] }>('{ segmentationRuns(first: 5) { id } }', {}, { headers: bearer(ADMIN) });
    expect(runs.data?.segmentationRuns).toEqual([]);
  });

  it('lets an admin recluster', async () => {
    const res = await server.gql<{ recluster: { id: string } }>('mutation { recluster(input: { k: 2, seed: 1 }) { id } }', {}, { headers: bearer(ADMIN) });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    await waitForRunEnd(server, res.data!.recluster.id);
  });

  it('closes a WebSocket without a key, or with an unknown one, with 4401', async () => {
    expect(await closeOf(server.ws())).toMatchObject({ code: 4401 });
    expect(await closeOf(server.ws({ connectionParams: bearer('not-a-configured-key-0123456789') }))).toMatchObject({ code: 4401 });
  });

  it('lets a reader subscribe over WebSocket but refuses its mutations there with FORBIDDEN', async () => {
    const reader = server.ws({ connectionParams: bearer(READER) });
    const events = collect<{ segmentationRunUpdated: { id: string; status: string } }>(
      reader,
      `subscription { segmentationRunUpdated { ${RUN_FIELDS} } }`,
      {},
      (event) => event.segmentationRunUpdated.status === 'SUCCEEDED',
    );
    // The subscription is registered once the server answers a later message on the same socket.
    const query = await new Promise<unknown>((resolve, reject) => {
      reader.subscribe({ query: '{ segments { id } }' }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(query).toMatchObject({ data: { segments: expect.any(Array) } });

    const refused = await new Promise<unknown>((resolve) => {
      reader.subscribe({ query: UPSERT }, { next: () => resolve('ran'), error: resolve, complete: () => undefined });
    });
    expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN', requiredRole: 'writer' }) })]);
    // Field names are also accepted in header style (Authorization), as GraphiQL-like clients send them.
    const admin = server.ws({ connectionParams: { Authorization: `Bearer ${ADMIN}` } });
    const run = await new Promise<{ data: { recluster: { id: string } } }>((resolve, reject) => {
      admin.subscribe<{ recluster: { id: string } }>(
        { query: 'mutation { recluster(input: { k: 2, seed: 2 }) { id } }' },
        { next: (value) => resolve(value as { data: { recluster: { id: string } } }), error: reject, complete: () => undefined },
      );
    });
    const seen = await events;
    expect(seen.at(-1)?.segmentationRunUpdated).toEqual({ id: run.data.recluster.id, status: 'SUCCEEDED' });
  });

  it('refuses WebSocket upgrades from foreign origins with 403, allows its own origin, allowlisted ones and none', async () => {
    expect(await upgradeStatus(wsUrl, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(wsUrl, 'null')).toBe(403);
    expect(await upgradeStatus(wsUrl, ALLOWED_ORIGIN)).toBe(101);
    expect(await upgradeStatus(wsUrl, server.url)).toBe(101);
    expect(await upgradeStatus(wsUrl, undefined)).toBe(101);

    // The allowlisted origin can then authenticate and run operations like anyone else.
    class FromAllowedOrigin extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { origin: ALLOWED_ORIGIN });
      }
    }
    const client = createClient({ url: wsUrl, webSocketImpl: FromAllowedOrigin, retryAttempts: 0, connectionParams: bearer(READER) });
    const result = await new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: '{ segments { id } }' }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(result).toMatchObject({ data: { segments: expect.any(Array) } });
    await client.dispose();
  });

  it('sends CORS headers to allowlisted origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const post = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { origin: ALLOWED_ORIGIN, 'content-type': 'application/json', ...bearer(READER) },
      body: JSON.stringify({ query: '{ segments { id } }' }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(post.headers.get('access-control-expose-headers')).toContain('Retry-After');
  });

  it('serves the GraphiQL page without a key and says auth is on in /readyz', async () => {
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { auth: string };
    expect(ready.auth).toBe('on');
  });

  it('never writes a key to the logs', () => {
    const log = captured.lines.join('');
    // The log did record the refusals and the authenticated calls (by key id), so the check is not vacuous.
    expect(log).toContain('refused a request with an unknown API key');
    expect(log).toContain('closed a WebSocket without a valid API key');
    expect(log).toContain('authenticated request');
    expect(log).toContain('"role":"admin"');
    for (const key of [READER, WRITER, ADMIN, 'not-a-configured-key-0123456789']) {
      expect(log).not.toContain(key);
      expect(log).not.toContain(key.slice(0, 16));
    }
  });
});

describe('rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ API_KEYS, RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After once a key has used its minute; other keys are unaffected', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await server.gql('{ segments { id } }', {}, { headers: bearer(READER) });
      expect(res.status).toBe(200);
    }
    const limited = await server.gql('{ segments { id } }', {}, { headers: bearer(READER) });
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBe(retryAfter);

    const other = await server.gql('{ segments { id } }', {}, { headers: bearer(WRITER) });
    expect(other.status).toBe(200);
  });

  it('counts WebSocket subscribe messages against the same key', async () => {
    const client = server.ws({ connectionParams: bearer(ADMIN) });
    const run = () =>
      new Promise<{ data?: unknown; errors?: unknown }>((resolve) => {
        client.subscribe({ query: '{ segments { id } }' }, { next: (value) => resolve(value as { data?: unknown }), error: (errors) => resolve({ errors }), complete: () => undefined });
      });
    const http = await server.gql('{ segments { id } }', {}, { headers: bearer(ADMIN) });
    expect(http.status).toBe(200);
    for (let i = 0; i < 4; i++) expect(await run()).toMatchObject({ data: { segments: [] } });
    const limited = await run();
    expect(limited.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })]);
    // And the key is now limited over HTTP too.
    expect((await server.gql('{ segments { id } }', {}, { headers: bearer(ADMIN) })).status).toBe(429);
  });
});

describe('open mode (no keys)', () => {
  let server: TestServer;
  const captured = capturingLogger();
  beforeAll(async () => {
    // HOST unset: the default depends on whether keys exist.
    server = await startTestServer({ HOST: '' }, undefined, captured.logger);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('binds 127.0.0.1, warns at start, says auth is off in /readyz and needs no key', async () => {
    expect(server.app.host).toBe('127.0.0.1');
    const warning = captured.lines.map((line) => JSON.parse(line) as { level: number; msg: string; auth?: string }).find((entry) => entry.auth === 'off');
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toMatch(/AUTHENTICATION IS OFF/);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { auth: string };
    expect(ready.auth).toBe('off');
    const upsert = await server.gql<{ upsertUsers: { count: number } }>(UPSERT);
    expect(upsert.status).toBe(200);
    expect(upsert.data).toEqual({ upsertUsers: { count: 2 } });
  });

  it('still refuses WebSocket upgrades from foreign origins', async () => {
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/graphql`, 'https://evil.example')).toBe(403);
  });
});
