// Composes Case Graph's SDL with the partner subgraph offline, with The Guild's
// composition (used by Hive Gateway) and with Apollo's, and prints both outcomes as JSON.
// Usage: node compose.mjs <casegraph-sdl-file>
import { readFileSync } from "node:fs";

import { composeServices as apolloCompose } from "@apollo/composition";
import { composeServices as guildCompose } from "@theguild/federation-composition";
import { parse } from "graphql";

import { typeDefs } from "./partner-schema.mjs";

const services = [
  {
    name: "casegraph",
    url: "http://127.0.0.1/casegraph",
    typeDefs: parse(readFileSync(process.argv[2], "utf8")),
  },
  { name: "partner", url: "http://127.0.0.1/partner", typeDefs },
];

function outcome(result) {
  return {
    errors: (result.errors ?? []).map((error) => error.message),
    supergraphSdl: result.supergraphSdl ?? null,
  };
}

console.log(
  JSON.stringify({ guild: outcome(guildCompose(services)), apollo: outcome(apolloCompose(services)) }),
);
