import type express from 'express';
import type { Logger } from 'pino';
import { openRequestScope, runInRequestScope } from '../app/request-scope.js';
import { newErrorId } from './format-error.js';

const errorBody = (message: string, code: string, extra: Record<string, unknown> = {}) => ({ errors: [{ message, extensions: { code, ...extra } }] });

/**
 * Runs the rest of the request inside a request scope with a deadline; the scope is cancelled
 * when the client disconnects before the answer is sent. Mounted after the body parser, so the
 * scope reaches Apollo and the resolvers through AsyncLocalStorage.
 */
export function requestScopeMiddleware(options: { timeoutMs: number; maxConcurrentStoreCalls: number }): express.RequestHandler {
  return (_req, res, next) => {
    const scope = openRequestScope(options);
    res.once('close', () => (res.writableFinished ? scope.end() : scope.cancel()));
    runInRequestScope(scope, () => next());
  };
}

/** A POST whose body the JSON parser did not take (wrong or missing content type) gets 415, not Apollo's 500. */
export const requireJsonBody = (logger: Logger): express.RequestHandler => (req, res, next) => {
  if (req.method === 'POST' && req.body === undefined) {
    logger.info({ code: 'UNSUPPORTED_MEDIA_TYPE', contentType: req.headers['content-type'] }, 'request refused');
    res
      .status(415)
      .json(errorBody('POST requests need "content-type: application/json" with a JSON body { "query": … }', 'UNSUPPORTED_MEDIA_TYPE'));
    return;
  }
  next();
};

const BODY_ERROR_CODES: Record<string, string> = {
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Last express error handlers. Client mistakes the body parser found (malformed JSON, too large,
 * bad charset) answer 4xx with a code and are logged at info; anything else answers 500
 * INTERNAL_SERVER_ERROR with an errorId that is in the error log line, never a stack trace
 * (express's own handler prints one outside production).
 */
export function errorHandlers(logger: Logger, debugErrors: boolean): express.ErrorRequestHandler {
  return (error: { status?: number; statusCode?: number; type?: string; message?: string; stack?: string }, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = error.status ?? error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const code = (error.type && BODY_ERROR_CODES[error.type]) ?? 'BAD_REQUEST';
      logger.info({ code, status, path: req.path, message: error.message }, 'request refused');
      res.status(status).json(errorBody(error.message ?? 'bad request', code));
      return;
    }
    const errorId = newErrorId();
    logger.error({ err: error, errorId, path: req.path }, 'unexpected error while handling a request');
    res.status(500).json(errorBody(debugErrors ? String(error.message) : 'Internal server error', 'INTERNAL_SERVER_ERROR', {
      errorId,
      ...(debugErrors ? { stacktrace: String(error.stack).split('\n') } : {}),
    }));
  };
}
