import { GraphQLError } from 'graphql';
import type { Role } from './roles.js';

/** Errors of access control, with the `extensions.code` clients branch on. */

export const UNAUTHENTICATED_MESSAGE =
  'an API key is required: send `Authorization: Bearer <key>` (over WebSocket: connectionParams.authorization in connection_init)';
export const UNKNOWN_KEY_MESSAGE = 'the API key is not valid';

/**
 * The caller's role is too low. `http` adds the status Apollo answers with (Apollo removes it
 * from the response); over WebSocket there is no status to set.
 */
export function forbidden(required: Role, actual: Role, options: { http: boolean }): GraphQLError {
  return new GraphQLError(`this operation needs the ${required} role; your key has the ${actual} role`, {
    extensions: { code: 'FORBIDDEN', requiredRole: required, ...(options.http ? { http: { status: 403 } } : {}) },
  });
}

export function rateLimitedMessage(perMinute: number, retryAfterSeconds: number): string {
  return `rate limit of ${perMinute} requests per minute exceeded; retry in ${retryAfterSeconds} s`;
}

export function rateLimited(perMinute: number, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(rateLimitedMessage(perMinute, retryAfterSeconds), {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
  });
}
