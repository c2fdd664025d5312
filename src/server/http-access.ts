import type { ApolloServerPlugin } from '@apollo/server';
import cors from 'cors';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { forbidden, rateLimitedMessage, UNAUTHENTICATED_MESSAGE, UNKNOWN_KEY_MESSAGE } from '../auth/access-errors.js';
import { bearerToken, type KeyRing } from '../auth/key-ring.js';
import { requiredRole } from '../auth/mutation-roles.js';
import type { RequestRateLimiter } from '../auth/rate-limit.js';
import { hasRole, OPEN_ACCESS, type Principal } from '../auth/roles.js';
import type { GraphQLContext } from '../graphql/context.js';

export interface AccessOptions {
  keys: KeyRing;
  /** Canonical origins (scheme://host[:port]) that browsers may call from, over HTTP and WebSocket. */
  corsOrigins: readonly string[];
  rateLimiter: RequestRateLimiter;
}

/**
 * CORS headers for allowlisted origins only; other origins get none, so browsers keep their
 * pages from reading responses (and from sending the non-simple requests Apollo requires).
 */
export function corsForAllowlist(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    exposedHeaders: ['Retry-After', 'WWW-Authenticate'],
    maxAge: 600,
  });
}

/** Rate-limit bucket of a caller: its key's id, or its address when it has no key. */
export function rateLimitBucket(principal: Principal | null, address: string | undefined): string {
  return principal?.keyId ? `key:${principal.keyId}` : `ip:${address ?? 'unknown'}`;
}

function sendError(res: Response, status: number, message: string, extensions: Record<string, unknown>): void {
  res.status(status).json({ errors: [{ message, extensions }] });
}

/** The caller of a request that passed {@link authenticateAndLimit}. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  // Only reachable if the middleware order were broken: fail closed.
  if (!principal) throw new Error('no caller on this request: authenticateAndLimit must run before Apollo');
  return principal;
}

/**
 * Before Apollo: who is calling (401 with `WWW-Authenticate: Bearer` for a missing or unknown
 * key, unless open mode), then the caller's rate limit (429 with `Retry-After`). Requests without
 * a valid key count against their address, so guessing keys is throttled too.
 */
export function authenticateAndLimit(options: AccessOptions, logger: Logger): RequestHandler {
  const { keys, rateLimiter } = options;
  return (req: Request, res: Response, next) => {
    const run = async () => {
      let principal: Principal | null = OPEN_ACCESS;
      if (!keys.open) {
        const token = bearerToken(req.headers.authorization);
        principal = keys.authenticate(token);
        if (principal) logger.debug({ keyId: principal.keyId, role: principal.role }, 'authenticated request');
        else if (token) logger.warn({ ip: req.ip }, 'refused a request with an unknown API key');
        else logger.info({ ip: req.ip }, 'refused a request without an API key');
      }
      const decision = await rateLimiter.consume(rateLimitBucket(principal?.keyId ? principal : null, req.ip));
      if (!decision.allowed) {
        logger.warn({ keyId: principal?.keyId ?? undefined, ip: req.ip }, 'rate limit exceeded');
        res.set('Retry-After', String(decision.retryAfterSeconds));
        sendError(res, 429, rateLimitedMessage(rateLimiter.perMinute, decision.retryAfterSeconds), { code: 'RATE_LIMITED', retryAfterSeconds: decision.retryAfterSeconds });
        return;
      }
      if (!principal) {
        // RFC 6750: a presented but unknown token is an invalid_token; a missing one gets the bare challenge.
        res.set('WWW-Authenticate', bearerToken(req.headers.authorization) ? 'Bearer error="invalid_token"' : 'Bearer');
        sendError(res, 401, bearerToken(req.headers.authorization) ? UNKNOWN_KEY_MESSAGE : UNAUTHENTICATED_MESSAGE, { code: 'UNAUTHENTICATED' });
        return;
      }
      res.locals.principal = principal;
      next();
    };
    run().catch(next);
  };
}

/**
 * Refuses an operation whose role the caller lacks (FORBIDDEN, HTTP 403), after parsing and
 * validation and before anything runs.
 */
export const roleCheckPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, operation, contextValue }) {
        if (!operation) return;
        const required = requiredRole(document, operation);
        if (!hasRole(contextValue.principal.role, required)) throw forbidden(required, contextValue.principal.role, { http: true });
      },
    };
  },
};
