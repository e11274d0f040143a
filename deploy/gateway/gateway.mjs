// The federation gateway partners use: Apollo Gateway over Case Graph and partner subgraphs.
//
// Settings (environment):
//   GATEWAY_SUPERGRAPH   a supergraph file composed ahead of time (compose.mjs): production
//   GATEWAY_SUBGRAPHS    or name=url,name=url to compose at start-up by asking each for its SDL
//   GATEWAY_INTROSPECTION_AUTHORIZATION  the Authorization header for those SDL requests
//   GATEWAY_HOST, GATEWAY_PORT  where to listen (127.0.0.1, 4000; port 0 picks a free one)
// Prints "listening <port>" once it serves. Each caller's Authorization, traceparent,
// tracestate and X-Correlation-Id headers are forwarded to the subgraphs. SIGTERM stops
// accepting and lets in-flight operations finish (Apollo Server's drain).
import { readFileSync } from "node:fs";

import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

import { introspectionHeaders, subgraphsFromEnv } from "./subgraphs.mjs";

const FORWARDED = ["authorization", "traceparent", "tracestate", "x-correlation-id"];

class ForwardCallerHeaders extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    for (const name of FORWARDED) {
      if (context.headers?.[name]) request.http.headers.set(name, context.headers[name]);
    }
  }
}

const supergraphFile = process.env.GATEWAY_SUPERGRAPH;
const gateway = new ApolloGateway({
  supergraphSdl: supergraphFile
    ? readFileSync(supergraphFile, "utf8")
    : new IntrospectAndCompose({
        subgraphs: subgraphsFromEnv(),
        introspectionHeaders: introspectionHeaders(),
      }),
  buildService: ({ url }) => new ForwardCallerHeaders({ url }),
});
const server = new ApolloServer({ gateway, introspection: false });
const { url } = await startStandaloneServer(server, {
  listen: { host: process.env.GATEWAY_HOST ?? "127.0.0.1", port: Number(process.env.GATEWAY_PORT ?? 4000) },
  context: async ({ req }) => ({
    headers: Object.fromEntries(FORWARDED.map((name) => [name, req.headers[name]])),
  }),
});
console.log(`listening ${new URL(url).port}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.stop().finally(() => process.exit(0)));
}
