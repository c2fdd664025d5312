import type http from 'node:http';
import { execute, GraphQLError, subscribe, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { openRequestScope, runInRequestScope, Semaphore } from '../app/request-scope.js';
import type { GraphQLContext } from '../graphql/context.js';
import { queryNestingErrors } from './query-nesting.js';
import { admitPersistedOperation, type PersistedOperations } from './persisted-operations.js';
import { checkQueryLimits } from './query-limits.js';
import type { WsContext } from './ws-access.js';
import type { ServerLimits } from './server-limits.js';

/** Who may connect and run what (src/server/ws-access.ts). */
export interface WebSocketAccess {
  verifyClient(info: { req: http.IncomingMessage }, callback: (result: boolean, code?: number, message?: string) => void): void;
  onConnect(ctx: WsContext): boolean;
  admit(ctx: WsContext): Promise<readonly GraphQLError[] | null>;
  authorize(ctx: WsContext, document: DocumentNode, operationName: string | null | undefined): readonly GraphQLError[] | null;
}

export interface GraphQLWebSocketOptions {
  server: http.Server;
  path: string;
  schema: GraphQLSchema;
  context: (ctx: WsContext) => GraphQLContext;
  access: WebSocketAccess;
  limits: ServerLimits;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** PERSISTED_OPERATIONS_FILE / _ONLY: listed hashes are filled in, other documents refused in allowlist mode. */
  persistedOperations?: PersistedOperations | null;
}

/**
 * graphql-ws on the HTTP server, with the same limits as HTTP: every operation passes
 * checkQueryLimits and the standard validation in onSubscribe before it runs; frames are capped
 * (maxPayload: larger ones close the socket with 1009 before being buffered), so are sockets
 * (503 on upgrade) and open operations per socket. Errors go through the same formatError.
 */
export function startGraphQLWebSocket(options: GraphQLWebSocketOptions) {
  const { schema, limits, formatError } = options;
  const wsServer = new WebSocketServer({
    server: options.server,
    path: options.path,
    maxPayload: limits.ws.maxMessageBytes,
    verifyClient: (info: { req: http.IncomingMessage }, accept: (result: boolean, code?: number, message?: string) => void) => {
      if (wsServer.clients.size >= limits.ws.maxConnections) accept(false, 503, 'too many WebSocket connections (WS_MAX_CONNECTIONS)');
      else options.access.verifyClient(info, accept);
    },
  });
  // Errors graphql-js raises itself (bad variables, validation) are the client's: give them a code before formatting.
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((e) => {
      const json = e.toJSON();
      if (!e.originalError && json.extensions?.code === undefined) return formatError({ ...json, extensions: { ...json.extensions, code: 'BAD_USER_INPUT' } }, e);
      return formatError(json, e);
    });
  const cleanup = useServer(
    {
      schema,
      connectionInitWaitTimeout: limits.ws.connectionInitTimeoutMs,
      context: (ctx) => options.context(ctx),
      onConnect: (ctx) => options.access.onConnect(ctx),
      onSubscribe: async (ctx, _id, message) => {
        const persisted = admitPersistedOperation(options.persistedOperations ?? null, message);
        if (persisted.errors) return persisted.errors;
        const payload = persisted.query === undefined ? message : { ...message, query: persisted.query };
        const open = Object.keys(ctx.subscriptions).length;
        if (open > limits.ws.maxSubscriptions) {
          return [
            new GraphQLError(
              `Too many operations open on this connection: the limit is ${limits.ws.maxSubscriptions} (WS_MAX_SUBSCRIPTIONS=${limits.ws.maxSubscriptions}); complete one first or open another connection.`,
              { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: limits.ws.maxSubscriptions } },
            ),
          ];
        }
        if (typeof payload.query !== 'string') return [new GraphQLError('the subscribe payload needs a query string', { extensions: { code: 'BAD_REQUEST' } })];
        // Over-deep documents are refused before anything parses them; then key and rate limit, limits, validation, role.
        const tooDeep = queryNestingErrors(payload.query);
        if (tooDeep) return tooDeep;
        const refused = await options.access.admit(ctx);
        if (refused) return refused;
        const checked = checkQueryLimits(schema, payload, limits.query);
        if (checked.errors) return checked.errors;
        const errors = validate(schema, checked.document);
        if (errors.length > 0) return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        const forbidden = options.access.authorize(ctx, checked.document, payload.operationName);
        if (forbidden) return forbidden;
        return { schema, document: checked.document, variableValues: payload.variables ?? undefined, operationName: payload.operationName ?? undefined };
      },
      // Queries and mutations get the same deadline and store budget as over HTTP.
      execute: (args) => {
        const scope = openRequestScope({ timeoutMs: limits.requestTimeoutMs, maxConcurrentStoreCalls: limits.maxConcurrentStoreCalls });
        return runInRequestScope(scope, async () => {
          try {
            return await execute(args);
          } finally {
            scope.end();
          }
        });
      },
      // Subscriptions live as long as the client wants; their events still share one store budget.
      subscribe: (args) =>
        runInRequestScope({ signal: new AbortController().signal, storeCalls: new Semaphore(limits.maxConcurrentStoreCalls) }, () => subscribe(args)),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wsServer,
  );
  return {
    wsServer,
    dispose: () => cleanup.dispose(),
    close: () => new Promise<void>((resolve) => wsServer.close(() => resolve())),
  };
}
