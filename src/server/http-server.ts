import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { EXPLORER_PATH, explorerMiddleware } from '../explorer/serve-explorer.js';
import { graphiqlMiddleware } from '../graphiql/serve-graphiql.js';
import type { GraphQLContext, Services } from '../graphql/context.js';
import type { RunPubSub } from '../graphql/events.js';
import { createFormatError } from './format-error.js';
import { authenticateAndLimit, corsForAllowlist, principalOf, roleCheckPlugin, type AccessOptions } from './http-access.js';
import { graphqlSseMiddleware } from './graphql-sse.js';
import { persistedOperationsMiddleware, type PersistedOperations } from './persisted-operations.js';
import { queryNestingGuard } from './query-nesting.js';
import type { TrustProxy } from './trust-proxy.js';
import { createWebSocketAccess } from './ws-access.js';
import { startGraphQLWebSocket } from './graphql-websocket.js';
import { queryLimitsMiddleware } from './query-limits-middleware.js';
import { errorHandlers, requestScopeMiddleware, requireJsonBody } from './request-guards.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.js';

export const GRAPHQL_PATH = '/graphql';
/** Largest accepted request body: a full batch of long texts fits. */
export const MAX_BODY = '32mb';

/** A readiness failure whose message is safe to show in /readyz; other errors show as "failed" and go to the log. */
export class ReadinessFailure extends Error {
  override name = 'ReadinessFailure';
}

export interface ReadinessCheck {
  /** Name shown in /readyz. */
  name: string;
  check(): Promise<void>;
}

export interface HttpServerOptions {
  schema: GraphQLSchema;
  pubSub: RunPubSub;
  /** Services once the model is loaded and the store is open; null while starting. */
  services: () => Services | null;
  readiness: ReadinessCheck[];
  /** Extra fields of the /readyz answer that never make it fail (e.g. an embedding migration's progress). */
  readinessDetails?: () => Record<string, unknown>;
  logger: Logger;
  /** API keys, allowed origins, rate limit: see src/auth and the README's Security section. */
  access: AccessOptions & { trustProxy: TrustProxy };
  /** Query, deadline and WebSocket limits (README "Limits"). */
  limits?: ServerLimits;
  /** PERSISTED_OPERATIONS_FILE / PERSISTED_OPERATIONS_ONLY (null: none). */
  persistedOperations?: PersistedOperations | null;
}

export interface RunningHttpServer {
  server: http.Server;
  close(): Promise<void>;
}

const notReady = () =>
  new GraphQLError('the service is starting (loading the model or opening the store); retry shortly', {
    extensions: { code: 'NOT_READY', http: { status: 503 } },
  });

/**
 * One HTTP server: GraphQL over HTTP (Apollo) and WebSocket (graphql-ws) on the same path,
 * GraphiQL for browsers on that path too, and health endpoints for orchestrators.
 */
export async function startHttpServer(options: HttpServerOptions, port: number, host: string): Promise<RunningHttpServer> {
  const { schema, pubSub, logger } = options;
  const limits = options.limits ?? DEFAULT_SERVER_LIMITS;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.access.trustProxy);
  const server = http.createServer(app);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ready = options.services() !== null;
    checks.services = ready ? 'ok' : 'starting';
    for (const probe of options.readiness) {
      try {
        await probe.check();
        checks[probe.name] = 'ok';
      } catch (error) {
        ready = false;
        checks[probe.name] = error instanceof ReadinessFailure ? error.message : 'failed (details in the log)';
        logger.warn({ err: error, check: probe.name }, 'readiness check failed');
      }
    }
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', auth: options.access.keys.open ? 'off' : 'on', checks, ...options.readinessDetails?.() });
  });

  const wsAccess = createWebSocketAccess({ ...options.access, schema }, logger);
  const formatError = createFormatError(logger, { debugErrors: limits.debugErrors, introspection: limits.query.introspection });
  const ws = startGraphQLWebSocket({
    server,
    path: GRAPHQL_PATH,
    schema,
    limits,
    formatError,
    persistedOperations: options.persistedOperations,
    access: wsAccess,
    context: (ctx) => {
      const services = options.services();
      if (!services) throw notReady();
      return { services, pubSub, principal: wsAccess.principal(ctx) };
    },
  });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    introspection: limits.query.introspection,
    // Apollo adds stack traces unless NODE_ENV=production; only DEBUG_ERRORS may.
    includeStacktraceInErrorResponses: limits.debugErrors,
    hideSchemaDetailsFromClientErrors: !limits.query.introspection,
    // main.ts owns SIGINT/SIGTERM and closes everything in order; Apollo's own handlers would stop it first.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      roleCheckPlugin,
      { async serverWillStart() { return { async drainServer() { await ws.dispose(); } }; } },
      {
        // Over HTTP a subscription would run as a query and fail obscurely: say where it belongs.
        async requestDidStart() {
          return {
            async didResolveOperation({ operation }) {
              if (operation?.operation === 'subscription') {
                throw new GraphQLError(`subscriptions run over WebSocket (graphql-ws) or Server-Sent Events (graphql-sse, accept: text/event-stream) at ${GRAPHQL_PATH}, not as plain HTTP requests`, {
                  extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
                });
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use(GRAPHQL_PATH, corsForAllowlist(options.access.corsOrigins));
  // The GraphiQL page and its assets need no key; every GraphQL request below does.
  app.use(GRAPHQL_PATH, graphiqlMiddleware({ path: GRAPHQL_PATH }));
  // The segment explorer: a page on the public API; it sends the visitor's key with each request.
  app.use(EXPLORER_PATH, explorerMiddleware());
  app.use(
    GRAPHQL_PATH,
    authenticateAndLimit(options.access, logger),
    express.json({ limit: MAX_BODY }),
    requireJsonBody(logger),
    persistedOperationsMiddleware(options.persistedOperations ?? null, logger),
    queryNestingGuard(),
    queryLimitsMiddleware(schema, limits.query, logger),
    graphqlSseMiddleware({
      schema,
      limits,
      formatError,
      context: (res) => {
        const services = options.services();
        if (!services) throw notReady();
        return { services, pubSub, principal: principalOf(res) };
      },
    }),
    requestScopeMiddleware({ timeoutMs: limits.requestTimeoutMs, maxConcurrentStoreCalls: limits.maxConcurrentStoreCalls }),
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const services = options.services();
        if (!services) throw notReady();
        return { services, principal: principalOf(res) };
      },
    }),
  );
  // Body-parser errors (too large, malformed JSON) and anything unexpected as JSON with a code, never HTML or a stack trace.
  app.use(errorHandlers(logger, limits.debugErrors));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    async close() {
      await apollo.stop();
      await ws.close();
      server.closeAllConnections?.();
    },
  };
}
