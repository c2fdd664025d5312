import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/app/config.js';
import { createApp, type App } from '../../src/app/create-app.js';
import { backendEnv } from './test-backend.js';

/** A real segmentql server on a random port with its own temporary data directory (and vector store, see test-backend.ts). */
export interface TestServer {
  app: App;
  dataDir: string;
  url: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  ws(): Client;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; [key: string]: unknown } }>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-test-'));
}

export async function startTestServer(env: Record<string, string> = {}, dataDir = tempDataDir()): Promise<TestServer> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MODELS_DIR: path.resolve('models'),
    SEED_DEMO: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(await backendEnv(dataDir)),
    ...env,
  });
  const app = await createApp(config);
  const clients: Client[] = [];
  return {
    app,
    dataDir,
    url: app.url,
    async gql<T>(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
      return { status: response.status, ...body };
    },
    ws() {
      const client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
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
