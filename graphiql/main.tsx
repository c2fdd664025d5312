/**
 * The GraphiQL page that segmentql serves to browsers at its GraphQL endpoint.
 *
 * Bundled by scripts/build-graphiql.mjs into dist/graphiql: everything (React, GraphiQL, Monaco,
 * its web workers, fonts, CSS) comes from npm and is served by the service itself, because users
 * sit behind firewalls where CDNs are unreachable.
 */
// Monaco runs its language services in web workers. This module registers
// `globalThis.MonacoEnvironment.getWorker`, using vite's `?worker` imports so the workers are
// emitted as same-origin files (no CDN, no blob: URLs). It must run before any editor is created.
import 'graphiql/setup-workers/vite';
// GraphiQL's stylesheet already inlines its fonts (Roboto, Fira Code, codicons) as data: URLs.
import 'graphiql/style.css';
import './page.css';

import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const DEFAULT_QUERY = `# Welcome to segmentql!
#
# Run a query with Ctrl-Enter or the ▶ button.
# The docs (book icon, top left) describe every
# type and field; Ctrl-Space autocompletes.
#
# Subscriptions stream over a WebSocket, e.g.
#   subscription { reclusterCompleted { ... } }

{
  segments {
    id
    label
    size
  }
}
`;

/**
 * The page is served *at* the GraphQL endpoint, so the browser's own path is the endpoint as the
 * browser sees it, reverse-proxy prefixes included. A trailing slash is dropped so that
 * `/graphql/` and `/graphql` both talk to `/graphql`.
 */
function endpointUrls(location: Location): { http: string; ws: string } {
  const http = new URL(location.href);
  http.pathname = http.pathname.replace(/\/+$/, '') || '/';
  http.search = '';
  http.hash = '';
  const ws = new URL(http);
  // graphql-ws shares the HTTP port and path; only the scheme differs (TLS stays TLS).
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: http.href, ws: ws.href };
}

const endpoint = endpointUrls(window.location);

// Queries and mutations go over HTTP POST. Operations that are subscriptions go over graphql-ws:
// the toolkit creates a graphql-ws client for `subscriptionUrl` and forwards the headers typed
// in GraphiQL's header editor as `connectionParams`.
const fetcher = createGraphiQLFetcher({ url: endpoint.http, subscriptionUrl: endpoint.ws });

// Like express-graphql's GraphiQL, `?query=...&variables=...` pre-fills the editors so that links
// to a query can be shared. Without them the editors keep what the user had (localStorage).
const params = new URLSearchParams(window.location.search);

const container = document.getElementById('graphiql');
if (!container) throw new Error('GraphiQL: the #graphiql element is missing from the page');

createRoot(container).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      initialQuery={params.get('query') ?? undefined}
      initialVariables={params.get('variables') ?? undefined}
      // Headers may carry credentials: don't write them to localStorage unless the user opts in.
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);
