import type { IncomingMessage } from 'node:http';

/**
 * Parses `CORS_ORIGINS` entries into canonical origins (`scheme://host[:port]`, lower case,
 * default ports dropped) so that they compare equal to what browsers send in `Origin`.
 * Returns a problem for an entry that is not an http(s) origin.
 */
export function parseOrigin(entry: string): { origin: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return { problem: `"${entry}" is not an origin such as https://app.example.com` };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash || url.username) {
    return { problem: `"${entry}" is not an origin such as https://app.example.com (scheme, host and port only)` };
  }
  return { origin: url.origin };
}

/** Canonical form of an `Origin` header value, or null when it is not an http(s) origin (e.g. `null`). */
function canonicalOrigin(origin: string): URL | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * Whether a WebSocket upgrade may proceed. Browsers always send `Origin` on WebSocket requests
 * and let any page open a socket to any host, so a missing check would let another site use the
 * socket with the visitor's network position (cross-site WebSocket hijacking). Allowed: no
 * `Origin` (not a browser; it needs a key anyway when keys are configured), the page's own origin
 * (the Origin's host is the request's Host, as for GraphiQL served here), and allowlisted origins.
 */
export function isWebSocketOriginAllowed(request: IncomingMessage, allowlist: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const url = canonicalOrigin(origin);
  if (!url) return false;
  if (allowlist.has(url.origin)) return true;
  const host = request.headers.host?.toLowerCase();
  if (!host) return false;
  // A Host header carries the port unless it is the scheme's default; URL.host drops default ports.
  const defaultPort = url.protocol === 'https:' ? ':443' : ':80';
  const requestHost = host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host;
  return url.host === requestHost;
}
