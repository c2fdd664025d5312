/**
 * Serves the segment explorer (bundled by scripts/build-graphiql.mjs into dist/explorer) at
 * `/explorer/`: the page and its assets need no key; the page itself asks the visitor for one and
 * sends it with every GraphQL request.
 *
 * `/explorer` redirects to `/explorer/` so that the page's relative URLs (`./assets/…`,
 * `../graphql`) resolve below whatever prefix a reverse proxy adds.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import { findPackageRoot } from '../graphiql/serve-graphiql.js';
import { sendAssetsNotBuilt, sendBundleAsset } from '../server/bundle-assets.js';

export const EXPLORER_PATH = '/explorer';

/** `<package root>/dist/explorer`, where `node scripts/build-graphiql.mjs` writes the bundle. */
export function defaultExplorerAssetsDir(): string {
  return path.join(findPackageRoot(), 'dist', 'explorer');
}

/**
 * Same origin only, and stricter than GraphiQL's: no inline styles either (the explorer has no
 * Monaco), no WebSocket, no data: beyond the empty favicon. Any reference to another origin fails
 * loudly in the browser instead of leaking a request.
 */
export const EXPLORER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Mount with `app.use(EXPLORER_PATH, explorerMiddleware())`. */
export function explorerMiddleware(options: { assetsDir?: string } = {}): RequestHandler {
  const assetsDir = path.resolve(options.assetsDir ?? defaultExplorerAssetsDir());
  const indexFile = path.join(assetsDir, 'index.html');
  const assetsRoot = path.join(assetsDir, 'assets');

  async function servePage(req: Request, res: Response): Promise<void> {
    let html: string;
    try {
      // Read on every request (it is < 1 kB): a rebuild changes the hashed asset names.
      html = await readFile(indexFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return sendAssetsNotBuilt(res, 'The segment explorer', assetsDir);
      throw error;
    }
    res
      .status(200)
      .type('text/html; charset=utf-8')
      .set('Cache-Control', 'no-cache')
      .set('Content-Security-Policy', EXPLORER_CONTENT_SECURITY_POLICY)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Referrer-Policy', 'no-referrer')
      .send(req.method === 'HEAD' ? undefined : html);
  }

  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const [pathPart = '', query] = req.originalUrl.split(/\?(.*)/s, 2);
    if (req.path === '/' && !pathPart.endsWith('/')) {
      // Relative, so it stays below a proxy's prefix: `/x/explorer` → `/x/explorer/`.
      const last = pathPart.split('/').at(-1) ?? 'explorer';
      res.redirect(308, `${last}/${query ? `?${query}` : ''}`);
      return;
    }
    if (req.path === '/' || req.path === '/index.html') {
      servePage(req, res).catch(next);
      return;
    }
    if (req.path.startsWith('/assets/')) {
      if (!existsSync(indexFile)) return sendAssetsNotBuilt(res, 'The segment explorer', assetsDir);
      sendBundleAsset(req.path.slice('/assets/'.length), req, res, next, { assetsRoot, staleMessage: 'no such explorer asset (reload the page)\n' });
      return;
    }
    next();
  };
}
