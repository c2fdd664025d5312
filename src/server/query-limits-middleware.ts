import type express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { checkQueryLimits, QUERY_LIMIT_CODES, type OperationRequest, type QueryLimits } from './query-limits.js';

/**
 * Applies checkQueryLimits to GraphQL over HTTP before Apollo sees the request: Apollo parses and
 * runs the standard validation first (for a 2,000-alias document that alone takes seconds), and
 * any error thrown from its early plugin hooks becomes a 500. A refused operation answers 400
 * with the limit's code; everything else (syntax errors included) goes on to Apollo.
 */
export function queryLimitsMiddleware(schema: GraphQLSchema, limits: QueryLimits, logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const operation = operationOf(req);
    if (!operation) return next();
    const checked = checkQueryLimits(schema, operation, limits);
    const refusals = (checked.errors ?? []).filter((e) => QUERY_LIMIT_CODES.includes(String(e.extensions.code)));
    if (refusals.length === 0) return next();
    const errors = refusals.map((e) => {
      const { http: _http, ...extensions } = e.extensions;
      return { message: e.message, extensions };
    });
    logger.info({ code: errors[0]!.extensions.code, message: errors[0]!.message }, 'request refused');
    res.status(400).json({ errors });
  };
}

/** The operation of a POST JSON body or of GET parameters; null when there is none to check. */
function operationOf(req: express.Request): OperationRequest | null {
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  if (!source || typeof source !== 'object' || Array.isArray(source)) return null;
  const { query, variables, operationName } = source as Record<string, unknown>;
  if (typeof query !== 'string') return null;
  let vars: unknown = variables;
  if (typeof vars === 'string') {
    try {
      vars = JSON.parse(vars);
    } catch {
      vars = undefined;
    }
  }
  return {
    query,
    variables: vars && typeof vars === 'object' && !Array.isArray(vars) ? (vars as Record<string, unknown>) : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
  };
}
