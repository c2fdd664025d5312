import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDataDir, type GraphQLResponse } from './test-server.js';

/**
 * The built service (`node dist/src/main.js` with the project's Node 24, as `npm start` runs
 * it: NODE_ENV unset) as a child process: for tests that kill it the hard way, and for tests
 * that measure its memory and file descriptors apart from the test's own. `npm test` builds
 * dist/ first.
 */
export interface ChildService {
  pid: number;
  port: number;
  url: string;
  /** Parsed JSON log lines written so far (non-JSON output as level 0). */
  logs: Array<Record<string, unknown> & { level: number; msg?: string }>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  rssBytes(): number;
  openFileDescriptors(): number;
  alive(): boolean;
  /** kill -9, resolved once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (clean shutdown). */
  stop(): Promise<void>;
}

export interface ChildServiceOptions {
  /** Extra or overriding environment variables. */
  env?: Record<string, string>;
  timeoutMs?: number;
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

function spawnService(dataDir: string, port: number, env: Record<string, string> = {}) {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
  const childEnv: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MODELS_DIR: path.resolve('models'),
    SEED_DEMO: 'false',
    LOG_LEVEL: 'info',
    // Tests send faster than any client; the rate limit has its own tests.
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  };
  const child = spawn(NODE, [MAIN], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const logs: ChildService['logs'] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as ChildService['logs'][number]);
      } catch {
        logs.push({ level: 0, msg: line });
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    logs.push({ level: 0, msg: chunk });
  });
  alive.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      alive.delete(child);
      resolve(code);
    }),
  );
  return { child, output: () => output, logs, exited };
}

/** Starts the service and waits until it logs "ready"; fails with its output if it exits first. */
export async function startChildService(dataDir: string, options: ChildServiceOptions = {}): Promise<ChildService> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await freePort();
  const { child, output, logs, exited } = spawnService(dataDir, port, options.env);
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (!logs.some((line) => line.msg === 'ready')) {
    if (exitCode !== undefined) throw new Error(`the service exited with ${exitCode} before it was ready:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service was not ready within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `http://127.0.0.1:${port}`;
  const pid = child.pid!;
  return {
    pid,
    port,
    url,
    logs,
    async gql<T>(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse<T>, 'status'>) };
    },
    rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024,
    openFileDescriptors: () => fs.readdirSync(`/proc/${pid}/fd`).length,
    alive: () => exitCode === undefined,
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

/** A child service on a temporary DATA_DIR that `stop()` removes. */
export async function startTemporaryChildService(options: ChildServiceOptions = {}): Promise<ChildService> {
  const dataDir = tempDataDir();
  const service = await startChildService(dataDir, options);
  return {
    ...service,
    async stop() {
      await service.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
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

/** Polls `read` until `done(value)` or `ms` pass; returns the last value (bounded wait, not a timed assertion). */
export async function settle<T>(read: () => T, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  let value = read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = read();
  }
  return value;
}
