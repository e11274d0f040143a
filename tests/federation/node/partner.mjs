// A partner subgraph written with @apollo/subgraph, on a free loopback port.
// Usage: node partner.mjs '<{"notes": {...}, "flagged": [...]}>'   (prints "listening <port>")
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";

import { resolvers, typeDefs } from "./partner-schema.mjs";

const data = JSON.parse(process.argv[2] ?? '{"notes": {}, "flagged": []}');
const server = new ApolloServer({
  schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers(data) }),
});
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: 0 } });
console.log(`listening ${new URL(url).port}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.stop().finally(() => process.exit(0)));
}
