import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { GraphQLResponse } from './test-server.js';

/**
 * The real service as a child process (`node dist/src/main.js` with the project's Node 24),
 * for tests that kill it the hard way. `npm test` builds dist/ first.
 */
export interface ChildService {
  pid: number;
  port: number;
  url: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** kill -9, resolved once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (clean shutdown). */
  stop(): Promise<void>;
}

/** Every child still alive, so a failing test does not leave a service running. */
const alive = new Set<ChildProcess>();

/** kill -9 every child this module started that is still running. */
export async function killChildren(): Promise<void> {
  await Promise.all(
    [...alive].map(async (child) => {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }),
  );
}

const NODE = path.resolve('node_modules/.bin/node');
const MAIN = path.resolve('dist/src/main.js');

/** A port nobody listens on right now (PORT=0 would not tell us which one the child got). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function spawnService(dataDir: string, port: number): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
  const child = spawn(NODE, [MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MODELS_DIR: path.resolve('models'),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  alive.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      alive.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

/** Starts the service and waits until it logs "ready"; fails with its output if it exits first. */
export async function startChildService(dataDir: string, timeoutMs = 60_000): Promise<ChildService> {
  const port = await freePort();
  const { child, output, exited } = spawnService(dataDir, port);
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (!output().split('\n').some((line) => line.includes('"msg":"ready"'))) {
    if (exitCode !== undefined) throw new Error(`the service exited with ${exitCode} before it was ready:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service was not ready within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    pid: child.pid!,
    port,
    url,
    async gql<T>(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse<T>, 'status'>) };
    },
    async kill9() {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the service expecting it to refuse to start: its exit code and everything it printed. */
export async function runUntilExit(dataDir: string, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const { child, output, exited } = spawnService(dataDir, await freePort());
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}
