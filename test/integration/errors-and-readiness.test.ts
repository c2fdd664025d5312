import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { createApp, type App } from '../../src/app/create-app.js';
import { startTestServer, tempDataDir } from '../support/test-server.js';

/**
 * Error hygiene and readiness with the log captured: client mistakes answer 4xx with a code and
 * log below error level; an unexpected failure answers INTERNAL_SERVER_ERROR with an errorId that
 * is in the error log line; /readyz turns 503 when the store cannot be read and 200 once it can.
 */
describe('errors and readiness', () => {
  let app: App;
  let dataDir: string;
  const logs: Array<{ level: number; msg: string; errorId?: string; code?: string }> = [];

  beforeAll(async () => {
    dataDir = tempDataDir();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    });
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, MODELS_DIR: path.resolve('models'), SEED_DEMO: 'false' });
    app = await createApp(config, pino({ level: 'debug' }, sink));
    await post({ query: 'mutation { upsertUsers(users: [{ id: "u-1", text: "likes hiking" }]) { count } }' });
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST') {
    const response = await fetch(`${app.url}/graphql`, { method, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as { errors?: Array<{ message: string; extensions: Record<string, unknown> }>; data?: unknown } };
  }
  const errorLogs = () => logs.filter((l) => l.level >= 50);

  it('answers client mistakes with 4xx and a code, logged below error level', async () => {
    const before = errorLogs().length;
    const cases = [
      { name: 'wrong content type', res: await post('{ user(id: "u-1") { id } }', { 'content-type': 'text/plain' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { name: 'malformed JSON', res: await post('{"query": '), status: 400, code: 'BAD_REQUEST' },
      { name: 'bad APQ hash', res: await post({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }), status: 400, code: 'BAD_REQUEST' },
      { name: 'unknown APQ version', res: await post({ query: '{ __typename }', extensions: { persistedQuery: { version: 9, sha256Hash: 'a'.repeat(64) } } }), status: 400, code: 'BAD_REQUEST' },
      { name: 'syntax error', res: await post({ query: '{ user(id: ' }), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
    ];
    const getMutation = await fetch(`${app.url}/graphql?query=${encodeURIComponent('mutation { recluster { id } }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(getMutation.status).toBe(405);
    expect(((await getMutation.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    for (const c of cases) {
      expect({ name: c.name, status: c.res.status, code: c.res.json.errors?.[0]?.extensions.code }).toEqual({ name: c.name, status: c.status, code: c.code });
      expect(c.res.text).not.toMatch(/stacktrace|\n\s+at |node_modules/);
    }
    expect(errorLogs().length).toBe(before);
    expect(logs.some((l) => l.msg === 'request refused' && l.level === 30 && l.code === 'UNSUPPORTED_MEDIA_TYPE')).toBe(true);
  });

  it('reports an unexpected failure as INTERNAL_SERVER_ERROR with an errorId found in the error log, and /readyz as 503 until the store reads again', async () => {
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    const readyBody = (await ready.json()) as { memory: Record<string, number> };
    expect(readyBody).toEqual({ status: 'ready', auth: 'off', checks: { services: 'ok', store: 'ok', database: 'ok' }, memory: expect.any(Object) });
    // Where the resident memory is: the parts are the process's own and add up to no more than the whole.
    const { rssBytes, heapTotalBytes, heapUsedBytes, externalBytes, arrayBuffersBytes, nativeBytes } = readyBody.memory;
    expect(heapUsedBytes).toBeGreaterThan(0);
    expect(heapUsedBytes).toBeLessThanOrEqual(heapTotalBytes!);
    expect(arrayBuffersBytes).toBeLessThanOrEqual(externalBytes!);
    expect(nativeBytes).toBe(Math.max(0, rssBytes! - heapTotalBytes! - externalBytes!));

    // Take the users table's files away from under the running store.
    const table = path.join(dataDir, 'vectors', 'users.lance');
    fs.renameSync(table, `${table}.away`);
    try {
      const res = await post({ query: '{ user(id: "u-1") { id } }' });
      const error = res.json.errors![0]!;
      expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).toBe('Internal server error');
      expect(error.extensions.errorId).toMatch(/^[0-9a-f]{16}$/);
      expect(res.text).not.toContain(dataDir);
      expect(res.text).not.toMatch(/stacktrace|\n\s+at |lance error/i);
      const logged = errorLogs().find((l) => l.errorId === error.extensions.errorId);
      expect(logged?.msg).toBe('unexpected error while resolving');

      const notReady = await fetch(`${app.url}/readyz`);
      expect(notReady.status).toBe(503);
      const body = (await notReady.json()) as { status: string; checks: Record<string, string> };
      expect(body).toEqual({ status: 'not ready', auth: 'off', checks: { services: 'ok', store: 'failed (details in the log)', database: 'ok' }, memory: expect.any(Object) });
      expect(logs.some((l) => l.msg === 'readiness check failed')).toBe(true);
    } finally {
      fs.renameSync(`${table}.away`, table);
    }
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe('DEBUG_ERRORS=true', () => {
  it('puts the original message and stack of an unexpected error in the response', async () => {
    const server = await startTestServer({ DEBUG_ERRORS: 'true' });
    try {
      await server.gql('mutation { upsertUsers(users: [{ id: "u-1", text: "likes hiking" }]) { count } }');
      const table = path.join(server.dataDir, 'vectors', 'users.lance');
      fs.renameSync(table, `${table}.away`);
      const res = await server.gql('{ user(id: "u-1") { id } }');
      fs.renameSync(`${table}.away`, table);
      const error = res.errors![0]!;
      expect(error.extensions!.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.extensions!.errorId).toMatch(/^[0-9a-f]{16}$/);
      expect(error.message).not.toBe('Internal server error');
      expect(Array.isArray(error.extensions!.stacktrace)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
