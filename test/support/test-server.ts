import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/app/config.js';
import { createApp, type App } from '../../src/app/create-app.js';
import type { Logger } from '../../src/app/logger.js';
import { backendEnv } from './test-backend.js';

/** A real segmentql server on a random port with its own temporary data directory (and vector store, see test-backend.ts). */
export interface TestServer {
  app: App;
  dataDir: string;
  url: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphQLResponse<T>>;
  ws(options?: { connectionParams?: Record<string, unknown> }): Client;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface RequestOptions {
  /** Extra request headers, e.g. `{ authorization: 'Bearer <key>' }`. */
  headers?: Record<string, string>;
}

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; [key: string]: unknown } }>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-test-'));
}

/**
 * `env` overrides the test defaults; an empty string unsets a variable (e.g. `HOST: ''` for the
 * default address). `logger` replaces the service's logger (to capture what it writes).
 */
export async function startTestServer(env: Record<string, string> = {}, dataDir = tempDataDir(), logger?: Logger): Promise<TestServer> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MODELS_DIR: path.resolve('models'),
    SEED_DEMO: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Suites fire requests faster than any real client; the rate limit has its own tests.
    RATE_LIMIT_PER_MINUTE: '0',
    // A fit re-embeds every record in the background: suites that want one ask for it (corpus-fit tests).
    CORPUS_FIT_MIN_DOCUMENTS: '0',
    ...(await backendEnv(dataDir)),
    ...env,
  });
  const app = await createApp(config, logger);
  const clients: Client[] = [];
  return {
    app,
    dataDir,
    url: app.url,
    async gql<T>(query: string, variables?: Record<string, unknown>, options: RequestOptions = {}) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
      return { status: response.status, headers: response.headers, ...body };
    },
    ws(options = {}) {
      const client = createClient({
        url: `${app.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: options.connectionParams,
      });
      clients.push(client);
      return client;
    },
    async close(options = {}) {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.close();
      if (!options.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Collects a subscription's events until it completes (or `until` says stop). */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown>, until: (event: T) => boolean = () => false): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const events: T[] = [];
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors) {
            reject(new Error(JSON.stringify(value.errors)));
            return;
          }
          events.push(value.data as T);
          if (until(value.data as T)) {
            dispose();
            resolve(events);
          }
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => resolve(events),
      },
    );
  });
}
