// An Apollo gateway composing Case Graph and the partner subgraph by introspection.
// Usage: SUBGRAPH_AUTHORIZATION='Bearer ...' node gateway.mjs <casegraph-url> <partner-url>
// (prints "listening <port>"). Introspection uses SUBGRAPH_AUTHORIZATION; queries forward
// the caller's own Authorization header to the subgraphs.
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const [casegraph, partner] = process.argv.slice(2);
const introspectionAuthorization = process.env.SUBGRAPH_AUTHORIZATION;

class ForwardAuthorization extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    if (context.authorization) request.http.headers.set("authorization", context.authorization);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: new IntrospectAndCompose({
    subgraphs: [
      { name: "casegraph", url: casegraph },
      { name: "partner", url: partner },
    ],
    introspectionHeaders: introspectionAuthorization
      ? { authorization: introspectionAuthorization }
      : {},
  }),
  buildService: ({ url }) => new ForwardAuthorization({ url }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: 0 },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`listening ${new URL(url).port}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.stop().finally(() => process.exit(0)));
}
