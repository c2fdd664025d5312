import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Credentials are never written, whoever logs a request, its headers or a graphql-ws connection:
 * authorization headers and connection params are replaced by "[redacted]".
 */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  'req.headers.cookie',
  'connectionParams',
  '*.connectionParams',
];

/** Structured JSON logs on stdout (one object per line), as log collectors expect. */
export function createLogger(level: string, name = 'segmentql', destination?: DestinationStream): Logger {
  const options = { name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
