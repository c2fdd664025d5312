import type express from 'express';
import { getOperationAST, GraphQLError, parse, subscribe, validate, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import { runInRequestScope, Semaphore } from '../app/request-scope.js';
import type { GraphQLContext } from '../graphql/context.js';
import type { ServerLimits } from './server-limits.js';

export interface GraphQLSseOptions {
  schema: GraphQLSchema;
  limits: ServerLimits;
  /** The GraphQL context of a request whose access checks have passed (throws NOT_READY while starting). */
  context: (res: express.Response) => GraphQLContext;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

/** Clients of the GraphQL over SSE protocol ask for an event stream. */
const wantsEventStream = (req: express.Request) => (req.headers.accept ?? '').includes('text/event-stream');

function refuse(code: string, message: string, status = 400): [string, { status: number; statusText: string; headers: Record<string, string> }] {
  return [JSON.stringify({ errors: [{ message, extensions: { code } }] }), { status, statusText: 'Bad Request', headers: { 'content-type': 'application/json; charset=utf-8' } }];
}

/**
 * Subscriptions over Server-Sent Events (the graphql-sse protocol, "distinct connections" mode) on
 * the GraphQL path, for clients that cannot open a WebSocket. Mounted after the access checks, the
 * body guards and the query limits, so an SSE request passes the same key, rate limit, nesting,
 * persisted-operation and limit checks as any other; queries and mutations keep to plain HTTP.
 */
export function graphqlSseMiddleware(options: GraphQLSseOptions): express.RequestHandler {
  const { schema, limits } = options;
  const handler = createHandler<Record<PropertyKey, unknown>>({
    schema,
    // No reservations ("single connection mode"): every stream is its own authenticated request.
    authenticate: () => null,
    onSubscribe: (req, params) => {
      let document;
      try {
        document = parse(params.query);
      } catch (error) {
        return refuse('GRAPHQL_PARSE_FAILED', error instanceof Error ? error.message : String(error));
      }
      const errors = validate(schema, document);
      if (errors.length > 0) return refuse('GRAPHQL_VALIDATION_FAILED', errors[0]!.message);
      const operation = getOperationAST(document, params.operationName);
      if (operation?.operation !== 'subscription') {
        return refuse('BAD_REQUEST', 'only subscriptions run over SSE; send queries and mutations as POST /graphql with application/json');
      }
      return {
        schema,
        document,
        variableValues: params.variables ?? undefined,
        operationName: params.operationName ?? undefined,
        contextValue: options.context(req.context.res) as unknown as Record<PropertyKey, unknown>,
      };
    },
    // Like subscriptions over WebSocket: no deadline, one store budget shared by the subscription's events.
    subscribe: (args) =>
      runInRequestScope({ signal: new AbortController().signal, storeCalls: new Semaphore(limits.maxConcurrentStoreCalls) }, () => subscribe(args)),
    onNext: (_ctx, _req, result) =>
      result.errors
        ? { ...result, errors: result.errors.map((e) => options.formatError(e.toJSON(), e) as unknown as GraphQLError) }
        : undefined,
  });
  return (req, res, next) => {
    if (!wantsEventStream(req)) return next();
    handler(req, res).catch(next);
  };
}
