/**
 * The segment explorer that segmentql serves at /explorer: segments of a run as a plot and cards,
 * the run history, segment search and item audiences, through the public GraphQL API only.
 *
 * Bundled by scripts/build-graphiql.mjs into dist/explorer; everything comes from npm and is served
 * by the service itself (no CDN). The page needs no key to load; every GraphQL request carries the
 * key the visitor pastes (kept in sessionStorage).
 */
import './explorer.css';

import { StrictMode, useEffect, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { Explorer, HISTORY_SIZE } from './components/Explorer';
import { createGraphQLClient, GraphQLRequestError, serviceNeedsKey, serviceUrls, type GraphQLClient } from './graphql-client';
import { loadKey, saveKey } from './key-store';
import { RUN_HISTORY, type RunHistoryAnswer } from './queries';

const urls = serviceUrls(window.location);

type Connection =
  | { state: 'checking' }
  | { state: 'needs-key'; message: string | null }
  | { state: 'connected'; client: GraphQLClient; key: string | null; history: RunHistoryAnswer };

function App() {
  const [connection, setConnection] = useState<Connection>({ state: 'checking' });

  async function connect(key: string | null): Promise<void> {
    setConnection({ state: 'checking' });
    const client = createGraphQLClient(urls.graphql, key);
    try {
      // The first real query doubles as the key check.
      const history = await client.request<RunHistoryAnswer>(RUN_HISTORY, { first: HISTORY_SIZE });
      saveKey(key);
      setConnection({ state: 'connected', client, key, history });
    } catch (error) {
      const refused = error instanceof GraphQLRequestError && (error.status === 401 || error.status === 403 || error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN');
      saveKey(null);
      setConnection({
        state: 'needs-key',
        message: refused ? (key ? 'The service refused this key.' : 'The service needs an API key.') : `Could not reach the service: ${(error as Error).message}`,
      });
    }
  }

  useEffect(() => {
    const stored = loadKey();
    if (stored) {
      void connect(stored);
      return;
    }
    // An open service (no API keys) needs no key: connect straight away.
    void serviceNeedsKey(urls.readyz).then((needsKey) => (needsKey === false ? connect(null) : setConnection({ state: 'needs-key', message: null })));
  }, []);

  const forget = () => {
    saveKey(null);
    setConnection({ state: 'needs-key', message: null });
  };

  return (
    <>
      <header className="page-head">
        <h1>
          segmentql <span className="muted">· segment explorer</span>
        </h1>
        <nav>
          {connection.state === 'connected' && (
            <span className="key-status">
              {connection.key ? <>key …{connection.key.slice(-4)}</> : 'open service (no key)'}{' '}
              {connection.key && (
                <button type="button" onClick={forget}>
                  Forget key
                </button>
              )}
            </span>
          )}
          <a href={urls.graphql}>GraphiQL</a>
        </nav>
      </header>
      {connection.state === 'checking' && <p className="muted page-pad">Connecting…</p>}
      {connection.state === 'needs-key' && <KeyForm message={connection.message} onSubmit={(key) => void connect(key)} />}
      {connection.state === 'connected' && <Explorer client={connection.client} initialHistory={connection.history} graphqlUrl={urls.graphql} />}
    </>
  );
}

function KeyForm({ message, onSubmit }: { message: string | null; onSubmit(key: string | null): void }) {
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(key.trim() || null);
  };
  return (
    <form className="key-form page-pad" onSubmit={submit} aria-label="API key">
      <h2>Connect</h2>
      <p>
        Paste an API key with the <code>reader</code> role (or higher). It is kept in this tab only (sessionStorage) and sent with every request as{' '}
        <code>Authorization: Bearer …</code>.
      </p>
      {message && (
        <p className="error-text" role="alert">
          {message}
        </p>
      )}
      <input
        type="password"
        name="api-key"
        autoComplete="off"
        aria-label="API key"
        placeholder="API key"
        value={key}
        onChange={(e) => setKey(e.target.value)}
        autoFocus
      />
      <button type="submit">Connect</button>
    </form>
  );
}

const container = document.getElementById('explorer');
if (!container) throw new Error('segment explorer: the #explorer element is missing from the page');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
