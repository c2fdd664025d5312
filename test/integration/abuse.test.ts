import { createClient } from 'graphql-ws';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { settle, startTemporaryChildService, type ChildService } from '../support/child-service.js';
import { Fuzzer, leaksInternals, type FuzzRequest } from '../support/fuzz.js';

const MB = 1024 * 1024;
const FUZZ_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const FUZZ_CONCURRENCY = 8;
const FUZZ_SEED = 20_261_125;
/** Stated bound on the server's RSS growth over the fuzz run. */
const FUZZ_RSS_BOUND = 150 * MB;

/**
 * Abuse of the built service as `npm start` runs it (NODE_ENV unset), in a child process so its
 * memory and file descriptors are its own. Every loop is bounded in count and time.
 */
describe('abuse', () => {
  let server: ChildService;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    server = await startTemporaryChildService({ env: { WS_MAX_CONNECTIONS: '600', SEED_DEMO: 'true' } });
  });
  afterAll(async () => {
    console.info(`abuse figures: ${JSON.stringify(figures)}`);
    expect(server.alive()).toBe(true);
    await server?.stop();
  });

  const send = async (request: FuzzRequest) => {
    const response = await fetch(`${server.url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' ? undefined : request.body,
      signal: AbortSignal.timeout(60_000),
    });
    return { status: response.status, body: await response.text() };
  };
  const normalQuery = async () => {
    const res = await send({ kind: 'normal', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ user(id: "u-scifi-01") { id segment { id } } }' }) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ data: { user: { id: 'u-scifi-01' } } });
  };

  it(`answers ${FUZZ_REQUESTS} fuzzed requests without a 5xx, a stack trace or a path, and with bounded memory`, async () => {
    const fuzzer = new Fuzzer(FUZZ_SEED);
    const paths = [path.resolve('.'), path.resolve('models'), '/tmp/segmentql-test-'];
    // Warm-up so the baseline includes a loaded, JIT-compiled server.
    for (let i = 0; i < 200; i++) await send(fuzzer.next());
    const rssBefore = server.rssBytes();
    const started = performance.now();
    const statuses: Record<number, number> = {};
    const kinds: Record<string, number> = {};
    const failures: string[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < FUZZ_REQUESTS) {
        sent++;
        const request = fuzzer.next();
        kinds[request.kind] = (kinds[request.kind] ?? 0) + 1;
        let res: { status: number; body: string };
        try {
          res = await send(request);
        } catch (error) {
          failures.push(`${request.kind}: no answer (${String(error)})`);
          continue;
        }
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const leak = leaksInternals(res.body, paths);
        if (res.status >= 500 || leak) failures.push(`${request.kind} ${request.method} ${request.path} -> ${res.status} ${leak ?? ''}: ${res.body.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: FUZZ_CONCURRENCY }, worker));
    // One body over the 32 MB limit: refused with 413, not buffered.
    const huge = await send({ kind: 'too-large', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: `{"query":"${'x'.repeat(33 * MB)}"}` });
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');

    const growth = server.rssBytes() - rssBefore;
    Object.assign(figures, {
      fuzzRequests: FUZZ_REQUESTS,
      fuzzSeconds: Math.round((performance.now() - started) / 100) / 10,
      fuzzStatuses: statuses,
      fuzzKinds: kinds,
      fuzzRssBeforeMB: Math.round(rssBefore / MB),
      fuzzRssGrowthMB: Math.round(growth / MB),
    });
    expect(failures.slice(0, 20)).toEqual([]);
    expect(server.alive()).toBe(true);
    expect(growth).toBeLessThan(FUZZ_RSS_BOUND);
    // Nothing unexpected was logged at error level either.
    expect([...new Set(server.logs.filter((l) => l.level >= 50).map((l) => `${l.msg} ${JSON.stringify(l.err ?? '').slice(0, 400)}`))]).toEqual([]);
    await normalQuery();
  });

  const openSocket = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.once('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve(socket) : reject(new Error(String(data)))));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
    });

  it('takes 500 WebSocket connections opened and dropped back to its file descriptors and memory', async () => {
    const fdsBefore = server.openFileDescriptors();
    const rssBefore = server.rssBytes();
    const sockets = await Promise.all(Array.from({ length: 500 }, openSocket));
    const fdsOpen = server.openFileDescriptors();
    expect(fdsOpen).toBeGreaterThanOrEqual(fdsBefore + 500);
    // Dropped, not closed: no close handshake, as when clients vanish.
    for (const socket of sockets) socket.terminate();
    const fdsAfter = await settle(() => server.openFileDescriptors(), (n) => n <= fdsBefore + 5);
    const rssAfter = server.rssBytes();
    Object.assign(figures, { wsFdsBefore: fdsBefore, wsFdsOpen: fdsOpen, wsFdsAfter: fdsAfter, wsRssBeforeMB: Math.round(rssBefore / MB), wsRssAfterMB: Math.round(rssAfter / MB) });
    expect(fdsAfter).toBeLessThanOrEqual(fdsBefore + 5);
    expect(rssAfter - rssBefore).toBeLessThan(50 * MB);
    await normalQuery();
  });

  it('refuses upgrades beyond WS_MAX_CONNECTIONS with 503', async () => {
    const sockets = await Promise.all(Array.from({ length: 600 }, openSocket));
    await expect(openSocket()).rejects.toThrow(/upgrade refused with 503/);
    for (const socket of sockets) socket.close();
    await settle(() => server.openFileDescriptors(), (n) => n < 100);
    const again = await openSocket();
    again.close();
  });

  /** Waits (bounded) until RSS holds within 4 MB over a second. */
  async function quiet(): Promise<void> {
    const until = Date.now() + 20_000;
    let previous = server.rssBytes();
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = server.rssBytes();
      if (Math.abs(now - previous) < 4 * MB) return;
      previous = now;
    }
  }

  it('closes sockets that send an oversized connection_init (1009) without growing', async () => {
    // Background work the earlier tests queued (profile rebuilds, a collaborative model build in a
    // worker after fuzzed interactions) moves RSS on its own: start from a quiet process.
    await quiet();
    const rssBefore = server.rssBytes();
    const payload = JSON.stringify({ type: 'connection_init', payload: { blob: 'x'.repeat(32 * MB) } });
    for (let i = 0; i < 6; i++) {
      const code = await new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${server.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
        socket.once('open', () => socket.send(payload, () => undefined));
        socket.once('close', (closeCode) => resolve(closeCode));
        socket.once('error', () => undefined);
        setTimeout(() => reject(new Error('not closed')), 30_000).unref();
      });
      expect(code).toBe(1009);
    }
    const growth = server.rssBytes() - rssBefore;
    figures.oversizedInitRssGrowthMB = Math.round(growth / MB);
    expect(growth).toBeLessThan(30 * MB);
    await normalQuery();
  });

  it('refuses subscriptions beyond WS_MAX_SUBSCRIPTIONS on one connection', async () => {
    const client = createClient({ url: `${server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
    try {
      const disposers: Array<() => void> = [];
      for (let i = 0; i < 100; i++) {
        disposers.push(client.subscribe({ query: 'subscription { reclusterCompleted { id } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined }));
      }
      const refusal = await new Promise<Array<{ message: string; extensions?: { code?: string } }>>((resolve, reject) => {
        client.subscribe({ query: 'subscription { reclusterCompleted { id } }' }, { next: () => reject(new Error('accepted')), error: (e) => resolve(e as never), complete: () => reject(new Error('completed')) });
      });
      expect(refusal[0]!.extensions!.code).toBe('TOO_MANY_SUBSCRIPTIONS');
      expect(refusal[0]!.message).toMatch(/WS_MAX_SUBSCRIPTIONS=100/);
      // Completing one frees its place.
      disposers.pop()!();
      const answer = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: '{ user(id: "u-scifi-01") { id } }' }, { next: resolve, error: reject, complete: () => undefined });
      });
      expect(answer).toEqual({ data: { user: { id: 'u-scifi-01' } } });
      for (const dispose of disposers) dispose();
    } finally {
      await client.dispose();
    }
  });
});
