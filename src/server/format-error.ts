import { randomBytes } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import { AppError } from '../app/errors.js';
import { StoreUsageError } from '../store/port.js';

export interface FormatErrorOptions {
  /** DEBUG_ERRORS: keep the original message and stack of unexpected errors (never in production). */
  debugErrors: boolean;
  /** INTROSPECTION=false also removes "Did you mean …?" hints, which would reveal the schema. */
  introspection: boolean;
}

/** A short random id that ties an INTERNAL_SERVER_ERROR response to its log line. */
export const newErrorId = (): string => randomBytes(8).toString('hex');

/**
 * Turns errors into what clients see: domain errors keep their message and get
 * `extensions.code`; client mistakes keep theirs (logged at info); unexpected errors are logged
 * at error level with an `errorId` and reported as INTERNAL_SERVER_ERROR with that id only.
 * Used for HTTP (Apollo) and WebSocket (graphql-ws) alike.
 */
export function createFormatError(logger: Logger, options: FormatErrorOptions = { debugErrors: false, introspection: true }) {
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
    const { http, stacktrace, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown> & { http?: { status?: number } };
    let code = extensions.code as string | undefined;
    // Apollo moves `extensions.http` off the formatted error; the original still has it.
    const status = http?.status ?? (error as { extensions?: { http?: { status?: number } } } | null)?.extensions?.http?.status;
    // Apollo's own 4xx refusals (bad APQ hash or version) come without a code, which Apollo fills in as INTERNAL_SERVER_ERROR.
    if ((code === undefined || code === 'INTERNAL_SERVER_ERROR') && status !== undefined && status >= 400 && status < 500) code = 'BAD_REQUEST';
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
      const errorId = newErrorId();
      logger.error({ err: original, path: formatted.path, errorId }, 'unexpected error while resolving');
      return {
        message: options.debugErrors ? formatted.message : 'Internal server error',
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: 'INTERNAL_SERVER_ERROR', errorId, ...(options.debugErrors && stacktrace ? { stacktrace } : {}) },
      };
    }
    logger.info({ code, message: formatted.message }, 'request refused');
    const message = options.introspection ? formatted.message : withoutSuggestions(formatted.message);
    return { ...formatted, message, extensions: { ...extensions, code, ...(options.debugErrors && stacktrace ? { stacktrace } : {}) } };
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

/** graphql-js appends `Did you mean "x"?` to unknown field/type/argument errors. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]+\?/g, '').trim();
}
