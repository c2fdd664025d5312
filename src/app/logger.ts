import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

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

export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * Structured JSON logs on stdout (one object per line), as log collectors expect; for a person at
 * a terminal (LOG_FORMAT=auto and stdout a TTY, or LOG_FORMAT=pretty) the same records as readable,
 * coloured lines (pino-pretty, in-process and synchronous so nothing is lost on exit).
 */
export function createLogger(level: string, name = 'segmentql', destination?: DestinationStream, format: LogFormat = 'auto'): Logger {
  const options = { name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  if (format === 'pretty' || (format === 'auto' && process.stdout.isTTY)) {
    return pino(options, pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true }));
  }
  return pino(options);
}
