import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import {
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { graphiqlMiddleware } from '../../src/graphiql/serve-graphiql.js';

/**
 * A small but real server wired like segmentql's (express 5 + Apollo 5 over HTTP, graphql-ws on
 * the same port and path, GraphiQL for browsers), so the browser test exercises the real stack
 * without loading a model. To test against the real service instead, replace
 * `startGraphiqlTestServer` with the project's server and keep the `GraphiqlTestServer` shape.
 */
export interface GraphiqlTestServer {
  /** e.g. `http://127.0.0.1:41234`, without trailing slash. */
  url: string;
  /** WebSocket connections graphql-ws accepted so far: proves subscriptions went over WS. */
  wsConnections(): number;
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

/** Fixture data that the default query of the page (`{ segments { id label size } }`) returns. */
export const SEGMENTS = [
  { id: 'seg-1', label: 'night owls', size: 42 },
  { id: 'seg-2', label: 'bargain hunters', size: 17 },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function* countTo(count: number, intervalMs: number): AsyncGenerator<number> {
  for (let n = 1; n <= count; n += 1) {
    await sleep(intervalMs);
    yield n;
  }
}

/** Code-first with graphql-js alone, so the fixture needs no schema library. */
function createSchema(): GraphQLSchema {
  const Segment = new GraphQLObjectType({
    name: 'Segment',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      label: { type: new GraphQLNonNull(GraphQLString) },
      size: { type: new GraphQLNonNull(GraphQLInt) },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        segments: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Segment))), resolve: () => SEGMENTS },
        hello: {
          type: new GraphQLNonNull(GraphQLString),
          args: { name: { type: new GraphQLNonNull(GraphQLString) } },
          resolve: (_root, { name }: { name: string }) => `Hello, ${name}!`,
        },
      },
    }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        ticks: {
          description: 'Counts from 1 to `count`, one number every `intervalMs`.',
          type: new GraphQLNonNull(GraphQLInt),
          args: { count: { type: new GraphQLNonNull(GraphQLInt) }, intervalMs: { type: new GraphQLNonNull(GraphQLInt) } },
          subscribe: (_root, { count, intervalMs }: { count: number; intervalMs: number }) => countTo(count, intervalMs),
          // Each event is the number itself.
          resolve: (event: number) => event,
        },
      },
    }),
  });
}

export async function startGraphiqlTestServer(): Promise<GraphiqlTestServer> {
  const schema = createSchema();
  const app = express();
  const server = http.createServer(app);

  let wsConnections = 0;
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH });
  wsServer.on('connection', () => {
    wsConnections += 1;
  });
  const wsCleanup = useServer({ schema }, wsServer);

  const apollo = new ApolloServer({
    schema,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer: server }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  // Same mounting as src/server/http-server.ts: GraphiQL first, Apollo for everything it passes on.
  app.use(GRAPHQL_PATH, graphiqlMiddleware({ path: GRAPHQL_PATH }));
  app.use(GRAPHQL_PATH, express.json(), expressMiddleware(apollo));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wsConnections: () => wsConnections,
    async close() {
      await wsCleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await apollo.stop();
    },
  };
}
