/**
 * Domain errors carry a stable `code` that the GraphQL layer copies into `extensions.code`.
 * Services throw these; they never import graphql.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'NOT_READY'
  | 'INTERNAL_SERVER_ERROR'
  | 'REQUEST_TIMEOUT'
  | 'REQUEST_CANCELLED';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable details (e.g. the offending ids), copied into `extensions`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) => new AppError('BAD_USER_INPUT', message, details);
export const notFound = (message: string, details?: Record<string, unknown>) => new AppError('NOT_FOUND', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) => new AppError('CONFLICT', message, details);

/** Thrown when the service cannot start for a reason the operator must fix. */
export class StartupError extends Error {
  override name = 'StartupError';
}
