/**
 * Sending the hashed files of a vite-built browser page (GraphiQL, the segment explorer) from its
 * `assets/` directory: gzip copies to browsers that accept them, cached forever (the names carry
 * a content hash), and nothing outside the directory.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/** Hashed build outputs are plain file names; anything else (subdirectories, `..`) is not ours. */
export const ASSET_FILE_NAME = /^[A-Za-z0-9][\w.-]*$/;

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export interface BundleAssetOptions {
  /** The build's assets/ directory. */
  assetsRoot: string;
  /** Body of the 404 for a file the build does not have (typically a page from an older build). */
  staleMessage: string;
}

export function sendBundleAsset(fileName: string, req: Request, res: Response, next: NextFunction, options: BundleAssetOptions): void {
  if (!ASSET_FILE_NAME.test(fileName)) {
    res.status(404).type('text/plain').send('not found\n');
    return;
  }
  // The build writes a gzip copy of each text asset.
  res.vary('Accept-Encoding');
  const gzipped = req.acceptsEncodings('gzip') === 'gzip' && existsSync(path.join(options.assetsRoot, `${fileName}.gz`));
  if (gzipped) {
    // send() keeps a Content-Type that is already set, so the type is the asset's, not gzip's.
    res.type(path.extname(fileName)).set('Content-Encoding', 'gzip');
  }
  res.set('X-Content-Type-Options', 'nosniff');
  const sendOptions = { root: options.assetsRoot, maxAge: ONE_YEAR_MS, immutable: true, dotfiles: 'deny' as const };
  res.sendFile(gzipped ? `${fileName}.gz` : fileName, sendOptions, (error?: Error & { status?: number; statusCode?: number }) => {
    if (!error) return;
    if (res.headersSent) return next(error);
    res.removeHeader('Content-Encoding');
    const status = error.status ?? error.statusCode ?? 500;
    if (status === 404) {
      res.status(404).type('text/plain').set('Cache-Control', 'no-store').send(options.staleMessage);
      return;
    }
    next(error);
  });
}

/**
 * 503 with an explanation when a bundled page's assets were not built (`what` names the page;
 * `note`, if given, is a last line of what still works without it).
 */
export function sendAssetsNotBuilt(res: Response, what: string, assetsDir: string, note?: string): void {
  res
    .status(503)
    .type('text/plain; charset=utf-8')
    .set('Cache-Control', 'no-store')
    .send(
      `${what} is not available: its assets were not built (looked for ${path.join(assetsDir, 'index.html')}).\n` +
        'Build them with `node scripts/build-graphiql.mjs` (part of `npm run build`).\n' +
        (note === undefined ? '' : `${note}\n`),
    );
}
