import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import { AppError } from '../app/errors.js';
import { StoreUsageError } from '../store/port.js';

/**
 * Turns errors into what clients see: domain errors keep their message and get
 * `extensions.code`; unexpected errors are logged and reported without internals.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      return { ...formatted, message: original.message, extensions: { ...original.details, code: original.code } };
    }
    // A domain error raised where graphql-js wraps it (a scalar parsing a literal during validation): keep the message, give its code.
    const wrapped = appErrorBehind(error);
    if (wrapped) return { ...formatted, extensions: { ...wrapped.details, code: wrapped.code } };
    if (original instanceof StoreUsageError) {
      return { ...formatted, message: original.message, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const code = formatted.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
      logger.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
      return { ...formatted, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    return formatted;
  };
}

/** The AppError somewhere down a chain of GraphQL errors' originalError, if any. */
function appErrorBehind(error: unknown): AppError | undefined {
  let current = error;
  for (let hops = 0; hops < 5 && current instanceof Error; hops++) {
    if (current instanceof AppError) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}
