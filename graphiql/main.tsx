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

import { GraphiQL } from 'graphiql';
import { StrictMode, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createFetcher, headerValue } from './fetcher';

const DEFAULT_QUERY = `# Welcome to segmentql!
#
# Run a query with Ctrl-Enter or the ▶ button.
# The docs (book icon, top left) describe every
# type and field; Ctrl-Space autocompletes.
#
# Subscriptions stream over a WebSocket, e.g.
#   subscription { reclusterCompleted { ... } }
#
# If the service needs an API key, paste it in the
# Headers tab below: {"Authorization": "Bearer <key>"}

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

/** The Authorization header in the header editor's JSON, if it parses. */
function authorizationIn(headersText: string): string | undefined {
  try {
    const headers: unknown = JSON.parse(headersText || '{}');
    return headers && typeof headers === 'object' ? headerValue(headers as Record<string, unknown>, 'authorization') : undefined;
  } catch {
    return undefined;
  }
}

// Like express-graphql's GraphiQL, `?query=...&variables=...` pre-fills the editors so that links
// to a query can be shared. Without them the editors keep what the user had (localStorage).
const params = new URLSearchParams(window.location.search);

const container = document.getElementById('graphiql');
if (!container) throw new Error('GraphiQL: the #graphiql element is missing from the page');

/**
 * GraphiQL fetches the schema (docs, autocompletion) once at start, which fails while a service
 * with API keys has no key yet. It fetches it again whenever the fetcher changes, so a new fetcher
 * is made when the Authorization header settles on a new value (debounced, so typing a key does
 * not send a request per keystroke). Every request reads the headers itself anyway.
 */
function App() {
  const [authorization, setAuthorization] = useState<string | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // `authorization` is not used inside: a new value is the signal to refetch the schema.
  const fetcher = useMemo(() => createFetcher(endpoint), [authorization]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onEditHeaders = (headersText: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setAuthorization(authorizationIn(headersText)), 400);
  };
  return (
    <GraphiQL
      fetcher={fetcher}
      onEditHeaders={onEditHeaders}
      defaultQuery={DEFAULT_QUERY}
      initialQuery={params.get('query') ?? undefined}
      initialVariables={params.get('variables') ?? undefined}
      // Headers may carry credentials: don't write them to localStorage unless the user opts in.
      shouldPersistHeaders={false}
    />
  );
}

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
