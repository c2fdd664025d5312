/**
 * The page's fetcher: queries and mutations over HTTP POST, subscriptions over graphql-ws, both
 * carrying the key typed into GraphiQL's header editor. Over HTTP it is the `Authorization`
 * header; over WebSocket, where browsers cannot set headers, it is
 * `connectionParams.authorization` in graphql-ws's connection_init (what segmentql reads).
 *
 * The toolkit's own fetcher opens a new socket for every subscription and never closes it; this
 * one keeps one lazy socket per set of connection params and closes it when the headers change.
 */
import { createGraphiQLFetcher, type Fetcher, type FetcherOpts } from '@graphiql/toolkit';
import { createClient, type Client } from 'graphql-ws';

export interface Endpoint {
  http: string;
  ws: string;
}

/** The value of a header whatever the case of its name; headers from the editor are user-typed JSON. */
export function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * graphql-ws connection params from the editor's headers: all of them (a server may read others),
 * with the authorization under the lower-case name segmentql documents.
 */
export function connectionParamsFrom(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'authorization') params[name] = value;
  }
  const authorization = headerValue(headers, 'authorization');
  if (authorization !== undefined) params.authorization = authorization;
  return params;
}

export function createFetcher(endpoint: Endpoint): Fetcher {
  let socket: { params: string; client: Client; fetcher: Fetcher } | null = null;

  /** A fetcher whose subscriptions use the socket for these connection params, opened on first use. */
  function fetcherFor(connectionParams: Record<string, unknown>): Fetcher {
    const params = JSON.stringify(connectionParams);
    if (socket?.params !== params) {
      // A new key: subscriptions started with the old one end with their socket.
      void socket?.client.dispose();
      const client = createClient({ url: endpoint.ws, connectionParams, lazy: true, retryAttempts: 0 });
      socket = { params, client, fetcher: createGraphiQLFetcher({ url: endpoint.http, wsClient: client }) };
    }
    return socket.fetcher;
  }

  // The toolkit decides HTTP or WebSocket by the operation and sends the editor's headers over
  // HTTP itself; only the socket depends on them here.
  return (params, options?: FetcherOpts) => fetcherFor(connectionParamsFrom(options?.headers))(params, options);
}
