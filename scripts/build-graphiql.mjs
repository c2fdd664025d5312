#!/usr/bin/env node
/**
 * Bundles the browser pages with vite: GraphiQL (graphiql/ at the package root) into dist/graphiql
 * and the segment explorer (explorer/) into dist/explorer.
 *
 *   node scripts/build-graphiql.mjs [--force]
 *
 * Plain JS (not TS) so it can run before `tsc`. Everything comes from npm: React, GraphiQL 5,
 * Monaco and its web workers, fonts and CSS end up as files in dist/graphiql, served by the service
 * itself (src/graphiql/serve-graphiql.ts); the page loads nothing from a CDN.
 *
 * Each page's build is skipped when its dist/<page>/.build-stamp.json records the same fingerprint of the
 * inputs (the client sources, this script and package-lock.json, i.e. the bundled package
 * versions). A fingerprint of contents rather than mtimes: checkouts and installs touch mtimes
 * without changing anything, and a dependency bump must trigger a rebuild even though the
 * installed files may carry old mtimes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { constants as zlibConstants, gzip } from 'node:zlib';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const stampName = '.build-stamp.json';

/**
 * The pages: each is a vite root with an index.html, built into its own directory of dist/ with
 * its own fingerprint (a change to the explorer does not rebuild GraphiQL's multi-MB bundle).
 * `worker`: Monaco's web workers (GraphiQL only).
 */
const PAGES = {
  graphiql: { clientDir: path.join(packageRoot, 'graphiql'), outDir: path.join(packageRoot, 'dist', 'graphiql'), workers: true },
  explorer: { clientDir: path.join(packageRoot, 'explorer'), outDir: path.join(packageRoot, 'dist', 'explorer'), workers: false },
};
export const outDir = PAGES.graphiql.outDir;
export const explorerOutDir = PAGES.explorer.outDir;

/** Files whose content decides the bundle, sorted so the fingerprint is stable. */
async function inputFiles(clientDir) {
  const entries = await readdir(clientDir, { recursive: true, withFileTypes: true });
  const sources = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.split(path.sep).includes('node_modules'));
  return [...sources, fileURLToPath(import.meta.url), path.join(packageRoot, 'package-lock.json')]
    .filter((file) => existsSync(file))
    .sort();
}

async function fingerprint(clientDir) {
  const hash = createHash('sha256');
  for (const file of await inputFiles(clientDir)) {
    hash.update(path.relative(packageRoot, file)).update('\0');
    hash.update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

async function readStamp(outDir) {
  try {
    return JSON.parse(await readFile(path.join(outDir, stampName), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Builds GraphiQL unless its output is up to date. Resolves to whether a build ran.
 * @param {{ force?: boolean, log?: (message: string) => void }} [options]
 */
export function buildGraphiql(options = {}) {
  return buildPage('graphiql', options);
}

/**
 * Builds the segment explorer unless its output is up to date. Resolves to whether a build ran.
 * @param {{ force?: boolean, log?: (message: string) => void }} [options]
 */
export function buildExplorer(options = {}) {
  return buildPage('explorer', options);
}

/**
 * @param {keyof typeof PAGES} name
 * @param {{ force?: boolean, log?: (message: string) => void }} [options]
 */
async function buildPage(name, { force = false, log = (message) => console.log(message) } = {}) {
  const { clientDir, outDir, workers } = PAGES[name];
  const digest = await fingerprint(clientDir);
  const stamp = await readStamp(outDir);
  if (!force && stamp?.fingerprint === digest && existsSync(path.join(outDir, 'index.html'))) {
    log(`${name}: ${path.relative(packageRoot, outDir)} is up to date`);
    return false;
  }

  // Imported lazily: vite is only needed when something changed.
  const { build } = await import('vite');
  const started = performance.now();
  // Build next to the output and swap it in at the end, so a running server never serves a
  // half-written directory and a failed build leaves the previous one in place.
  const tmpDir = `${outDir}.tmp-${process.pid}`;
  await rm(tmpDir, { recursive: true, force: true });
  try {
    await build({
      configFile: false,
      root: clientDir,
      // Relative base: chunks, workers and CSS reference each other relative to their own URL
      // (import.meta.url), so the bundle works under whatever URL prefix the middleware mounts it.
      // Only index.html's references are rewritten by the middleware at serve time.
      base: './',
      mode: 'production',
      logLevel: 'warn',
      publicDir: false,
      cacheDir: path.join(packageRoot, 'node_modules', `.vite-${name}`),
      // JSX without @vitejs/plugin-react: vite's built-in oxc transform does it (no fast refresh
      // needed for a production bundle).
      oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
      // Monaco's workers (emitted by graphiql/setup-workers/vite's `?worker` imports) as module
      // workers: the same output format as the page, supported by every current browser, and
      // loaded from relative, same-origin URLs like the rest of the bundle.
      ...(workers ? { worker: { format: 'es' } } : {}),
      build: {
        outDir: tmpDir,
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        // The explorer inlines nothing as data: URLs: its Content-Security-Policy allows same-origin files only.
        ...(workers ? {} : { assetsInlineLimit: 0 }),
        // gzip-size reporting costs seconds on 2 cores for a multi-MB bundle and we print our own.
        reportCompressedSize: false,
        // Monaco alone is several MB; the warning would fire on every build and tell us nothing.
        chunkSizeWarningLimit: 8000,
        rolldownOptions: {
          onLog(level, log, handler) {
            // React libraries start modules with "use client"/"use no memo" for server-component
            // and compiler tooling; meaningless in a client bundle, and dozens of warnings per build.
            if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
            handler(level, log);
          },
        },
      },
    });
    await precompress(path.join(tmpDir, 'assets'));
    await writeFile(
      path.join(tmpDir, stampName),
      `${JSON.stringify({ fingerprint: digest, builtAt: new Date().toISOString() }, null, 2)}\n`,
    );
    await rm(outDir, { recursive: true, force: true });
    await rename(tmpDir, outDir);
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`${name}: built ${path.relative(packageRoot, outDir)} in ${seconds}s (${await describeOutput(outDir)})`);
  return true;
}

/**
 * Writes `<file>.gz` next to each compressible asset; the middleware sends it to browsers that
 * accept gzip. Monaco makes the bundle ~7 MB, ~2 MB gzipped, and compressing once at build time
 * beats compressing on every request (or depending on a proxy to do it).
 * @param {string} dir
 */
async function precompress(dir) {
  const gzipAsync = promisify(gzip);
  const files = (await readdir(dir)).filter((name) => /\.(?:js|css|ttf|svg|json)$/.test(name));
  await Promise.all(
    files.map(async (name) => {
      const file = path.join(dir, name);
      const compressed = await gzipAsync(await readFile(file), { level: zlibConstants.Z_BEST_COMPRESSION });
      await writeFile(`${file}.gz`, compressed);
    }),
  );
}

async function describeOutput(outDir) {
  const entries = await readdir(outDir, { recursive: true, withFileTypes: true });
  let bytes = 0;
  let gzipBytes = 0;
  let files = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const size = (await stat(path.join(entry.parentPath, entry.name))).size;
    if (entry.name.endsWith('.gz')) {
      gzipBytes += size;
    } else {
      files += 1;
      bytes += size;
    }
  }
  const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${files} files, ${mib(bytes)}; gzip copies ${mib(gzipBytes)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const force = process.argv.includes('--force');
  // One after the other: two vite builds at once would fight over the 2 cores.
  (async () => {
    await buildGraphiql({ force });
    await buildExplorer({ force });
  })().catch((error) => {
    console.error('browser pages: build failed');
    console.error(error);
    process.exitCode = 1;
  });
}
