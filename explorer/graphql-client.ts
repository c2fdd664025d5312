/**
 * The explorer's only way to the service: POSTs to the public GraphQL endpoint, each carrying the
 * key the visitor pasted as `Authorization: Bearer <key>` (never in a URL, where it would end up
 * in logs and browser history).
 */

export interface GraphQLErrorEntry {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A request that failed as a whole: HTTP refused it, or GraphQL answered with errors and no data. */
export class GraphQLRequestError extends Error {
  override name = 'GraphQLRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly errors: GraphQLErrorEntry[],
  ) {
    super(message);
  }

  /** The first error's `extensions.code` (e.g. UNAUTHENTICATED, GRAPHQL_VALIDATION_FAILED). */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

export interface GraphQLClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/**
 * The endpoints relative to the page: the explorer is served at `<base>/explorer/`, GraphQL at
 * `<base>/graphql`, so a reverse proxy's path prefix carries over.
 */
export function serviceUrls(location: Location): { graphql: string; readyz: string } {
  return { graphql: new URL('../graphql', location.href).href, readyz: new URL('../readyz', location.href).href };
}

export function createGraphQLClient(endpoint: string, key: string | null): GraphQLClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
      if (key) headers.authorization = `Bearer ${key}`;
      const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }), credentials: 'omit' });
      let body: { data?: T | null; errors?: GraphQLErrorEntry[] };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw new GraphQLRequestError(`the service answered HTTP ${response.status} without a GraphQL body`, response.status, []);
      }
      const errors = body.errors ?? [];
      if (errors.length > 0 && (body.data === undefined || body.data === null)) {
        throw new GraphQLRequestError(errors.map((e) => e.message).join('; '), response.status, errors);
      }
      if (errors.length > 0) console.warn('segment explorer: partial GraphQL answer', errors);
      return body.data as T;
    },
  };
}

/** What the service says about itself without a key: whether it wants one (`/readyz`). */
export async function serviceNeedsKey(readyzUrl: string): Promise<boolean | undefined> {
  try {
    const response = await fetch(readyzUrl, { headers: { accept: 'application/json' }, credentials: 'omit' });
    const body = (await response.json()) as { auth?: string };
    return body.auth === 'on' ? true : body.auth === 'off' ? false : undefined;
  } catch {
    // A proxy that does not expose /readyz: ask for a key, which may be left empty.
    return undefined;
  }
}
