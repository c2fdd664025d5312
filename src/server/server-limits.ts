import type { QueryLimits } from './query-limits.js';

/** Everything the HTTP/WebSocket front door enforces (README "Limits"); built from the config. */
export interface ServerLimits {
  query: QueryLimits;
  /** REQUEST_TIMEOUT_MS: an operation's deadline; after it no further field resolves and no store call starts. */
  requestTimeoutMs: number;
  /** MAX_CONCURRENT_STORE_READS: store calls one operation may have in flight. */
  maxConcurrentStoreCalls: number;
  ws: {
    /** WS_MAX_MESSAGE_BYTES: larger frames close the socket (1009) before they are buffered. */
    maxMessageBytes: number;
    /** WS_MAX_SUBSCRIPTIONS: operations open at once on one socket. */
    maxSubscriptions: number;
    /** WS_MAX_CONNECTIONS: sockets open at once; further upgrades get 503. */
    maxConnections: number;
    /** graphql-ws closes sockets that send no connection_init within this time (4408). */
    connectionInitTimeoutMs: number;
  };
  /** DEBUG_ERRORS: original messages and stack traces in responses. */
  debugErrors: boolean;
}

/** Defaults as in config.ts, for callers that build a server without a Config (tests of the server alone). */
export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  query: { maxDepth: 12, maxAliases: 30, maxCost: 20_000, maxTokens: 5000, maxDirectives: 50, maxListSize: 100, introspection: true },
  requestTimeoutMs: 30_000,
  maxConcurrentStoreCalls: 16,
  ws: { maxMessageBytes: 64 * 1024, maxSubscriptions: 100, maxConnections: 1000, connectionInitTimeoutMs: 10_000 },
  debugErrors: false,
};
