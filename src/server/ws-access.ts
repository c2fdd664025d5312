import type { IncomingMessage } from 'node:http';
import { getOperationAST, GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import proxyaddr from 'proxy-addr';
import { forbidden, rateLimited } from '../auth/access-errors.js';
import { bearerToken } from '../auth/key-ring.js';
import { requiredRole } from '../auth/mutation-roles.js';
import { isWebSocketOriginAllowed } from '../auth/origins.js';
import { hasRole, OPEN_ACCESS, type Principal } from '../auth/roles.js';
import { rateLimitBucket, type AccessOptions } from './http-access.js';
import type { TrustProxy } from './trust-proxy.js';

/** graphql-ws closes with this code when connection_init carries no valid key (graphql-ws's own "Unauthorized"). */
export const WS_UNAUTHORIZED = 4401;

export type WsContext = Context<Record<string, unknown> | undefined, Extra>;

/** `connectionParams.authorization`, whatever the case of its name (`Authorization` from header-style clients). */
function authorizationParam(params: Record<string, unknown> | undefined): unknown {
  if (!params) return undefined;
  const name = Object.keys(params).find((k) => k.toLowerCase() === 'authorization');
  return name === undefined ? undefined : params[name];
}

/** Like express's `trust proxy` setting, for the upgrade request (which express never sees). */
function compileTrust(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust === true) return () => true;
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyaddr.compile(trust);
}

/**
 * Access control for graphql-ws: the upgrade's Origin (403 on upgrade), the key in
 * connection_init (close 4401), then per subscribe message the rate limit and the role
 * (an error on that operation; the socket stays open).
 */
export function createWebSocketAccess(options: AccessOptions & { trustProxy: TrustProxy; schema: GraphQLSchema }, logger: Logger) {
  const { keys, rateLimiter } = options;
  const allowlist = new Set(options.corsOrigins);
  const trust = compileTrust(options.trustProxy);
  /** Per connection: set by onConnect, read by every subscribe on that socket. */
  const principals = new WeakMap<WsContext, Principal>();
  const clientAddress = (request: IncomingMessage) => proxyaddr(request, trust);

  return {
    /** For `new WebSocketServer({ verifyClient })`: runs before the upgrade is accepted. */
    verifyClient(info: { req: IncomingMessage }, callback: (result: boolean, code?: number, message?: string) => void): void {
      if (isWebSocketOriginAllowed(info.req, allowlist)) return callback(true);
      logger.warn({ origin: info.req.headers.origin, ip: clientAddress(info.req) }, 'refused a WebSocket upgrade from a foreign origin');
      callback(false, 403, 'Forbidden: origin not allowed');
    },

    onConnect(ctx: WsContext): boolean {
      if (keys.open) {
        principals.set(ctx, OPEN_ACCESS);
        return true;
      }
      const token = bearerToken(authorizationParam(ctx.connectionParams));
      const principal = keys.authenticate(token);
      if (!principal) {
        logger.info({ ip: clientAddress(ctx.extra.request), presented: token !== null }, 'closed a WebSocket without a valid API key');
        // graphql-ws would close with 4403 on `false`; 4401 says "authenticate", and the later close is a no-op.
        ctx.extra.socket.close(WS_UNAUTHORIZED, 'Unauthorized: missing or unknown API key');
        return false;
      }
      logger.debug({ keyId: principal.keyId, role: principal.role }, 'authenticated WebSocket');
      principals.set(ctx, principal);
      return true;
    },

    /** Per subscribe message, before parsing: an authenticated connection within its rate limit. */
    async admit(ctx: WsContext): Promise<readonly GraphQLError[] | null> {
      const principal = principals.get(ctx);
      // graphql-ws refuses subscribe messages before the connection is acknowledged; this is a second lock.
      if (!principal) return [new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
      const decision = await rateLimiter.consume(rateLimitBucket(principal.keyId ? principal : null, clientAddress(ctx.extra.request)));
      if (!decision.allowed) {
        logger.warn({ keyId: principal.keyId ?? undefined }, 'rate limit exceeded (WebSocket)');
        return [rateLimited(rateLimiter.perMinute, decision.retryAfterSeconds)];
      }
      return null;
    },

    /** After parsing and validation: the role the operation needs (FORBIDDEN on that operation; the socket stays open). */
    authorize(ctx: WsContext, document: DocumentNode, operationName: string | null | undefined): readonly GraphQLError[] | null {
      const principal = principals.get(ctx);
      if (!principal) return [new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
      const operation = getOperationAST(document, operationName);
      if (!operation) return [new GraphQLError('Unable to identify operation', { extensions: { code: 'BAD_REQUEST' } })];
      const required = requiredRole(document, operation);
      if (!hasRole(principal.role, required)) return [forbidden(required, principal.role, { http: false })];
      return null;
    },

    principal(ctx: WsContext): Principal {
      const principal = principals.get(ctx);
      if (!principal) throw new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } });
      return principal;
    },
  };
}
