/**
 * Serves the GraphiQL page (bundled by scripts/build-graphiql.mjs into dist/graphiql) to browsers
 * at the GraphQL endpoint itself, so that opening http://host/graphql in a browser gives an IDE
 * while API clients on the same URL keep talking to Apollo.
 *
 * Everything the page needs is in the bundle and served from here: users sit behind firewalls
 * where CDNs are unreachable, which also rules out Apollo's own landing pages (they load from CDNs).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ASSET_FILE_NAME, sendAssetsNotBuilt, sendBundleAsset } from '../server/bundle-assets.js';

/** Where the assets live below the endpoint: `/graphql` → `/graphql/graphiql/assets/<file>`. */
export const GRAPHIQL_ASSETS_SEGMENT = '/graphiql/assets/';

export interface GraphiqlMiddlewareOptions {
  /**
   * Path of the GraphQL endpoint as the express app sees it, e.g. `'/graphql'`. The page is served
   * there, the assets below it. The middleware works both mounted at the app root
   * (`app.use(graphiqlMiddleware(...))`) and at the path (`app.use('/graphql', graphiqlMiddleware(...))`).
   */
  path: string;
  /** The build output (index.html + assets/). Defaults to {@link defaultGraphiqlAssetsDir}. */
  assetsDir?: string;
}

/**
 * Directory of the package (the one holding package.json), found by walking up from `fromDir`.
 * Walking up instead of a fixed `../..` makes it work from both `src/graphiql/` (vitest, tsx) and
 * `dist/src/graphiql/` (after tsc).
 */
export function findPackageRoot(fromDir: string = fileURLToPath(new URL('.', import.meta.url))): string {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${fromDir}`);
  }
}

/** `<package root>/dist/graphiql`, where `node scripts/build-graphiql.mjs` writes the bundle. */
export function defaultGraphiqlAssetsDir(): string {
  return path.join(findPackageRoot(), 'dist', 'graphiql');
}

/** Browsers navigating to a URL rank text/html first; API clients send JSON types, `*\/*` or nothing. */
function prefersHtml(req: Request): boolean {
  // On ties `accepts` returns the first listed type, so `*/*` and a missing header mean JSON.
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

/** `/graphql/` and `/graphql` are the same endpoint. */
function withoutTrailingSlash(urlPath: string): string {
  return urlPath.length > 1 ? urlPath.replace(/\/+$/, '') || '/' : urlPath;
}

/**
 * The page is locked to its own origin: scripts, workers, styles and fonts come from this server
 * (fonts and a few icons are inlined as data: URLs), requests go to this server over HTTP and
 * WebSocket. Besides being good hygiene, it makes any accidental CDN reference fail loudly.
 * Monaco sets inline styles and injects <style> elements, hence 'unsafe-inline' for styles only.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  // Older Safari does not let 'self' cover ws(s): the same-origin socket is named explicitly by scheme.
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** What a GraphiQL URL still does without the page. */
const NOT_BUILT_NOTE = 'GraphQL requests to this URL work regardless: POST JSON, or GET with an Accept header other than text/html.';

/**
 * Serves GraphiQL for `GET <path>` from browsers (Accept prefers text/html) and its assets under
 * `<path>/graphiql/assets/`; everything else (POSTs, GETs asking for JSON) goes to `next()`, i.e.
 * to Apollo. Responds 503 with an explanation when the assets are not built.
 */
export function graphiqlMiddleware(options: GraphiqlMiddlewareOptions): RequestHandler {
  const endpointPath = withoutTrailingSlash(options.path.startsWith('/') ? options.path : `/${options.path}`);
  const assetsDir = path.resolve(options.assetsDir ?? defaultGraphiqlAssetsDir());
  const indexFile = path.join(assetsDir, 'index.html');
  const assetsRoot = path.join(assetsDir, 'assets');
  const assetsUrlPrefix = `${endpointPath === '/' ? '' : endpointPath}${GRAPHIQL_ASSETS_SEGMENT}`;

  async function servePage(req: Request, res: Response): Promise<void> {
    let html: string;
    try {
      // Read on every request (it is < 1 kB): a rebuild while the server runs changes the hashed
      // asset names, and a cached copy would point at deleted files.
      html = await readFile(indexFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return sendAssetsNotBuilt(res, 'GraphiQL', assetsDir, NOT_BUILT_NOTE);
      throw error;
    }
    // The bundle is built with relative URLs (`./assets/x.js`). Resolve them relative to the URL
    // the browser asked for rather than to an absolute path, so the page keeps working behind a
    // reverse proxy that adds a prefix: from `/graphql` that is `./graphql/graphiql/assets/x.js`,
    // from `/graphql/` it is `./graphiql/assets/x.js`. (`originalUrl`, because `req.path` is `/`
    // for both when the middleware is mounted at the endpoint.)
    const requestedPath = req.originalUrl.split('?')[0] ?? '';
    const relativePrefix = requestedPath.endsWith('/')
      ? `.${GRAPHIQL_ASSETS_SEGMENT}`
      : `./${requestedPath.split('/').at(-1) ?? ''}${GRAPHIQL_ASSETS_SEGMENT}`;
    html = html.replaceAll('"./assets/', `"${relativePrefix}`);
    res
      .status(200)
      .type('text/html; charset=utf-8')
      // Always revalidate the page (it names the current hashed assets); the assets are immutable.
      .set('Cache-Control', 'no-cache')
      .set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Referrer-Policy', 'same-origin')
      .send(req.method === 'HEAD' ? undefined : html);
  }

  function serveAsset(fileName: string, req: Request, res: Response, next: NextFunction): void {
    if (ASSET_FILE_NAME.test(fileName) && !existsSync(indexFile)) return sendAssetsNotBuilt(res, 'GraphiQL', assetsDir, NOT_BUILT_NOTE);
    // Typically a page from an older build asking for assets that were replaced since.
    sendBundleAsset(fileName, req, res, next, { assetsRoot, staleMessage: 'no such GraphiQL asset (reload the page)\n' });
  }

  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // `baseUrl + path` is the path below the app whether we are mounted at '/' or at the endpoint.
    const fullPath = req.baseUrl + req.path;
    if (fullPath.startsWith(assetsUrlPrefix)) return serveAsset(fullPath.slice(assetsUrlPrefix.length), req, res, next);
    if (withoutTrailingSlash(fullPath) !== endpointPath) return next();
    // The same URL answers with HTML or JSON depending on Accept: tell caches so.
    res.vary('Accept');
    if (!prefersHtml(req)) return next();
    servePage(req, res).catch(next);
  };
}
