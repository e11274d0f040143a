// Composes the supergraph ahead of time, to review it and serve it with GATEWAY_SUPERGRAPH.
// Usage: GATEWAY_SUBGRAPHS='casegraph=https://...,partner=https://...' \
//        GATEWAY_INTROSPECTION_AUTHORIZATION='Bearer ...' node compose.mjs > supergraph.graphql
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

import { fetchSdl, introspectionHeaders, subgraphsFromEnv } from "./subgraphs.mjs";

const headers = introspectionHeaders();
const services = await Promise.all(
  subgraphsFromEnv().map(async (subgraph) => ({
    ...subgraph,
    typeDefs: parse(await fetchSdl(subgraph, headers)),
  })),
);
const result = composeServices(services);
if (result.errors?.length) {
  for (const error of result.errors) console.error(error.message);
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
