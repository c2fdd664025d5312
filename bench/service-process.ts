/**
 * The built service (`dist/src/main.js`) in a child process for benchmarks, so that its peak
 * memory (VmHWM) is its own and not the benchmark client's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Peak resident set size so far, bytes (VmHWM). */
  peakRssBytes(): number;
  /**
   * Peak RSS since the previous call (or since start), then starts a new window: Linux resets
   * the high-water mark when 5 is written to /proc/<pid>/clear_refs. Falls back to the
   * process's overall peak where that is not allowed.
   */
  phasePeakRssBytes(): number;
  rssBytes(): number;
  /**
   * The /readyz memory breakdown sampled (every 250 ms) at the highest RSS since the previous
   * call, then starts a new window: where the phase's peak was (heap, external, native).
   */
  phasePeakMemory(): MemorySample | undefined;
  stop(): Promise<void>;
}

export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  nativeBytes: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const statusField = (pid: number, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

/** The bench's environment variables that configure the service's store, search and allocator. */
function forwardedEnv(): Record<string, string> {
  const prefixes = ['LANCEDB_', 'MALLOC_', 'GLIBC_TUNABLES', 'SEGMENTQL_', 'RECOMMEND_', 'UV_THREADPOOL_SIZE', 'NODE_OPTIONS'];
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && prefixes.some((p) => e[0].startsWith(p))),
  );
}

export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const main = path.resolve('dist/src/main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [main], {
    // Store and allocator settings from the bench's own environment reach the service (LANCEDB_*,
    // MALLOC_*, ...), so `LANCEDB_INDEX_TYPE=IVF_PQ npm run bench` measures what it says.
    env: { ...forwardedEnv(), PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0', SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-20_000)));
  let exited: number | null | undefined;
  let stopping = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code;
      // A service that dies mid-bench says why: the tail of its log.
      if (!stopping) process.stderr.write(`\nthe service exited (code ${code}, signal ${signal}); its last output:\n${output}\n`);
      resolve();
    }),
  );
  const deadline = Date.now() + 120_000;
  const ready = async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
    } catch {
      return false;
    }
  };
  while (!(await ready())) {
    if (exited !== undefined) throw new Error(`the service exited with ${exited}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the service did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  let overallPeak = 0;
  let windowPeak: MemorySample | undefined;
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling || exited !== undefined) return;
    sampling = true;
    fetch(`http://127.0.0.1:${port}/readyz`)
      .then(async (res) => {
        const memory = ((await res.json()) as { memory?: MemorySample }).memory;
        if (memory && (!windowPeak || memory.rssBytes > windowPeak.rssBytes)) windowPeak = memory;
      })
      .catch(() => undefined)
      .finally(() => (sampling = false));
  }, 250);
  sampler.unref();
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    peakRssBytes: () => Math.max(overallPeak, statusField(pid, 'VmHWM')),
    phasePeakRssBytes: () => {
      const peak = statusField(pid, 'VmHWM');
      overallPeak = Math.max(overallPeak, peak);
      try {
        fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // not permitted here: the next window starts from the overall peak
      }
      return peak;
    },
    rssBytes: () => statusField(pid, 'VmRSS'),
    phasePeakMemory: () => {
      const peak = windowPeak;
      windowPeak = undefined;
      return peak;
    },
    async stop() {
      stopping = true;
      clearInterval(sampler);
      if (exited === undefined) child.kill('SIGTERM');
      await exit;
    },
  };
}

/** Bytes under a directory (what `du -sb` says, without following links). */
export function directoryBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0; // removed by maintenance while we were walking
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(full);
    else if (entry.isFile()) total += fs.statSync(full, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}
