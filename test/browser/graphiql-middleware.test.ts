/**
 * The GraphiQL middleware's HTTP contract, without a browser: who gets the page, who gets passed
 * on to Apollo, asset caching and compression, and the 503 when the assets are not built.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultGraphiqlAssetsDir, findPackageRoot, graphiqlMiddleware } from '../../src/graphiql/serve-graphiql.js';
import { startGraphiqlTestServer } from './graphiql-test-server.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const INDEX_HTML =
  '<!doctype html><html><head><script type="module" crossorigin src="./assets/index-abc.js"></script>' +
  '<link rel="stylesheet" crossorigin href="./assets/index-abc.css"></head><body><div id="graphiql"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});\n`;

/** A fake build output: the middleware only cares about index.html and assets/. */
function fakeAssetsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphiql-assets-'));
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

/** Raw node:http, so Content-Encoding is visible and nothing is decompressed behind our back. */
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
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Stands in for Apollo: anything the middleware passes on lands here. */
function apolloStandIn(_req: express.Request, res: express.Response): void {
  res.json({ handledBy: 'apollo' });
}

// The middleware is meant to work mounted at the app root and at the endpoint path.
const mountings = [
  { name: 'mounted at the endpoint', mount: (app: express.Express, handler: express.RequestHandler) => app.use('/graphql', handler) },
  { name: 'mounted at the root', mount: (app: express.Express, handler: express.RequestHandler) => app.use(handler) },
];

describe.each(mountings)('graphiqlMiddleware $name', ({ mount }) => {
  let server: { url: string; close(): Promise<void> };
  let missingServer: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    const app = express();
    mount(app, graphiqlMiddleware({ path: '/graphql', assetsDir: fakeAssetsDir() }));
    app.use('/graphql', apolloStandIn);
    server = await listen(app);

    const missing = express();
    mount(missing, graphiqlMiddleware({ path: '/graphql', assetsDir: path.join(os.tmpdir(), 'graphiql-never-built') }));
    missing.use('/graphql', apolloStandIn);
    missingServer = await listen(missing);
  });

  afterAll(async () => {
    await server?.close();
    await missingServer?.close();
  });

  it('serves the page to browsers, with asset URLs relative to the requested URL', async () => {
    const page = await request(server.url, '/graphql', { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers.vary).toMatch(/Accept/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('src="./graphql/graphiql/assets/index-abc.js"');
    expect(page.body).toContain('href="./graphql/graphiql/assets/index-abc.css"');
    expect(page.body).not.toContain('"./assets/');

    const withSlash = await request(server.url, '/graphql/?query=%7Bhello%7D', { headers: { accept: BROWSER_ACCEPT } });
    expect(withSlash.status).toBe(200);
    expect(withSlash.body).toContain('src="./graphiql/assets/index-abc.js"');

    const head = await request(server.url, '/graphql', { method: 'HEAD', headers: { accept: 'text/html' } });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it.each([
    ['a JSON Accept', { accept: 'application/json' }],
    ['the GraphQL response type', { accept: 'application/graphql-response+json, application/json;q=0.9' }],
    ['*/*', { accept: '*/*' }],
    ['no Accept header', {}],
  ])('passes GET requests with %s on to Apollo', async (_name, headers: Record<string, string>) => {
    const reply = await request(server.url, '/graphql?query=%7Bhello%7D', { headers });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ handledBy: 'apollo' });
    expect(reply.headers.vary).toMatch(/Accept/);
  });

  it('passes POSTs on to Apollo even from browsers', async () => {
    const reply = await request(server.url, '/graphql', { method: 'POST', headers: { accept: BROWSER_ACCEPT } });
    expect(JSON.parse(reply.body)).toEqual({ handledBy: 'apollo' });
  });

  it('serves hashed assets as immutable, gzipped when accepted', async () => {
    const plain = await request(server.url, '/graphql/graphiql/assets/index-abc.js');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);

    const gzipped = await request(server.url, '/graphql/graphiql/assets/index-abc.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(gzipped.headers.vary).toMatch(/Accept-Encoding/);
    expect(Number(gzipped.headers['content-length'])).toBeLessThan(SCRIPT.length);

    const css = await request(server.url, '/graphql/graphiql/assets/index-abc.css', { headers: { 'accept-encoding': 'gzip' } });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['content-encoding']).toBeUndefined(); // no .gz copy of it in the fake build
  });

  it('answers 404 for unknown assets and for anything that is not a plain file name', async () => {
    for (const urlPath of [
      '/graphql/graphiql/assets/nope.js',
      '/graphql/graphiql/assets/..%2findex.html',
      '/graphql/graphiql/assets/sub/index-abc.js',
      '/graphql/graphiql/assets/.hidden',
    ]) {
      const reply = await request(server.url, urlPath);
      expect(reply.status, urlPath).toBe(404);
    }
  });

  it('explains with a 503 when the assets were not built, and still passes API requests on', async () => {
    const page = await request(missingServer.url, '/graphql', { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/plain/);
    expect(page.body).toContain('node scripts/build-graphiql.mjs');

    const asset = await request(missingServer.url, '/graphql/graphiql/assets/index-abc.js');
    expect(asset.status).toBe(503);

    const api = await request(missingServer.url, '/graphql?query=%7Bhello%7D', { headers: { accept: 'application/json' } });
    expect(JSON.parse(api.body)).toEqual({ handledBy: 'apollo' });
  });
});

describe('graphiqlMiddleware with the real Apollo stack', () => {
  it('leaves GET queries asking for JSON to Apollo', async () => {
    const server = await startGraphiqlTestServer();
    try {
      const reply = await request(server.url, `/graphql?query=${encodeURIComponent('{ hello(name: "GET") }')}`, {
        // Apollo's CSRF prevention lets GETs through only with a header a browser form can't set.
        headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
      });
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ data: { hello: 'Hello, GET!' } });
    } finally {
      await server.close();
    }
  });
});

describe('defaultGraphiqlAssetsDir', () => {
  it('is dist/graphiql under the package root', () => {
    const root = findPackageRoot();
    expect(fs.existsSync(path.join(root, 'package.json'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name).toBe('segmentql');
    expect(defaultGraphiqlAssetsDir()).toBe(path.join(root, 'dist', 'graphiql'));
  });
});
