import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDataDir } from './test-server.js';

/**
 * The built service (`dist/src/main.js`, as `npm start` runs it, NODE_ENV unset) in a child
 * process, so that its memory and file descriptors can be measured apart from the test's own,
 * and a crash shows as an exit. Needs `npm run build` first (`npm test` does it).
 */
export interface ChildServer {
  url: string;
  pid: number;
  /** Parsed JSON log lines written so far. */
  logs: Array<Record<string, unknown> & { level: number; msg?: string }>;
  rssBytes(): number;
  openFileDescriptors(): number;
  alive(): boolean;
  stop(): Promise<void>;
}

export async function startChildServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const dataDir = tempDataDir();
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MODELS_DIR: path.resolve('models'),
    SEED_DEMO: 'true',
    LOG_LEVEL: 'info',
    // Abuse of the other limits is what these tests send; the rate limit has its own tests.
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  };
  // As under `npm start`: no NODE_ENV (vitest sets it to "test").
  delete childEnv.NODE_ENV;
  const child: ChildProcess = spawn(process.execPath, [path.resolve('dist/src/main.js')], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: ChildServer['logs'] = [];
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  let buffered = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not become ready: ${JSON.stringify(logs.slice(-5))}`)), 120_000);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${JSON.stringify(logs.slice(-5))}`)));
    let port: number | undefined;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as ChildServer['logs'][number];
          logs.push(entry);
          if (typeof entry.port === 'number') port = entry.port;
          if (entry.msg?.startsWith('segmentql is ready') && port !== undefined) {
            clearTimeout(timer);
            resolve(`http://127.0.0.1:${port}`);
          }
        } catch {
          logs.push({ level: 0, msg: line });
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => logs.push({ level: 0, msg: chunk }));
  });
  const pid = child.pid!;
  return {
    url,
    pid,
    logs,
    rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024,
    openFileDescriptors: () => fs.readdirSync(`/proc/${pid}/fd`).length,
    alive: () => !exited,
    async stop() {
      if (!exited) {
        const done = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await done;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
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
