/**
 * How the service serves the segment explorer, without a browser: the redirect to /explorer/, the
 * page with its Content-Security-Policy, cached and gzipped assets, 404s for anything that is not
 * a built file, the 503 when nothing was built, and on the real server: no key needed for the
 * page while GraphQL still asks for one.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../src/graphiql/serve-graphiql.js';
import { defaultExplorerAssetsDir, EXPLORER_PATH, explorerMiddleware } from '../../src/explorer/serve-explorer.js';
import { startTestServer } from '../support/test-server.js';

const INDEX_HTML =
  '<!doctype html><html><head><script type="module" crossorigin src="./assets/index-abc.js"></script>' +
  '<link rel="stylesheet" crossorigin href="./assets/index-abc.css"></head><body><div id="explorer"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});\n`;

function fakeAssetsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-assets-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), INDEX_HTML);
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc.js'), SCRIPT);
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc.js.gz'), gzipSync(SCRIPT));
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc.css'), 'body{margin:0}\n');
  return dir;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw node:http: redirects are not followed and nothing is decompressed behind our back. */
function request(base: string, urlPath: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, base), { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('explorerMiddleware', () => {
  let server: { url: string; close(): Promise<void> };
  let missingServer: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    const app = express();
    app.use(EXPLORER_PATH, explorerMiddleware({ assetsDir: fakeAssetsDir() }));
    app.use((_req, res) => void res.status(404).json({ handledBy: 'next' }));
    server = await listen(app);
    const missing = express();
    missing.use(EXPLORER_PATH, explorerMiddleware({ assetsDir: path.join(os.tmpdir(), 'explorer-never-built') }));
    missingServer = await listen(missing);
  });

  afterAll(async () => {
    await server?.close();
    await missingServer?.close();
  });

  it('redirects /explorer to /explorer/ with a relative Location, keeping the query string', async () => {
    const reply = await request(server.url, '/explorer?run=abc');
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe('explorer/?run=abc');
    // Resolved against the request URL, it stays below any prefix a proxy adds.
    expect(new URL(reply.headers.location!, 'https://example.org/segments/explorer?run=abc').pathname).toBe('/segments/explorer/');
  });

  it('serves the page at /explorer/ with a same-origin-only Content-Security-Policy', async () => {
    const page = await request(server.url, '/explorer/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toBe(INDEX_HTML);
    const csp = page.headers['content-security-policy']!;
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    // No directive names another origin or allows inline code.
    expect(csp).not.toMatch(/https?:|\*|'unsafe-/);

    const head = await request(server.url, '/explorer/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('serves hashed assets as immutable, gzipped when accepted', async () => {
    const plain = await request(server.url, '/explorer/assets/index-abc.js');
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);

    const gzipped = await request(server.url, '/explorer/assets/index-abc.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(Number(gzipped.headers['content-length'])).toBeLessThan(SCRIPT.length);
  });

  it('answers 404 for unknown assets, non-file names and other methods', async () => {
    for (const urlPath of ['/explorer/assets/nope.js', '/explorer/assets/..%2findex.html', '/explorer/assets/sub/index-abc.js', '/explorer/assets/.hidden', '/explorer/other']) {
      expect((await request(server.url, urlPath)).status, urlPath).toBe(404);
    }
    const post = await request(server.url, '/explorer/', { method: 'POST' });
    expect(JSON.parse(post.body)).toEqual({ handledBy: 'next' });
  });

  it('explains with a 503 when the explorer was not built', async () => {
    const page = await request(missingServer.url, '/explorer/');
    expect(page.status).toBe(503);
    expect(page.body).toContain('node scripts/build-graphiql.mjs');
    expect((await request(missingServer.url, '/explorer/assets/index-abc.js')).status).toBe(503);
  });

  it('defaults to dist/explorer under the package root', () => {
    expect(defaultExplorerAssetsDir()).toBe(path.join(findPackageRoot(), 'dist', 'explorer'));
  });
});

describe('the explorer on the real server', () => {
  it('needs no key for the page while GraphQL still does', async () => {
    const server = await startTestServer({ API_KEYS: 'reader:explorer-reader-0123456789abcdef' });
    try {
      // The build `npm test` runs first wrote dist/explorer.
      const page = await request(server.url, '/explorer/');
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
      expect(script).toBeDefined();
      expect((await request(server.url, `/explorer/${script}`)).status).toBe(200);
      const api = await server.gql('{ segments { id } }');
      expect(api.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
