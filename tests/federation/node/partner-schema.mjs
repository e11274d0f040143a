// The partner subgraph's schema: it extends Case (keyed by crn) with notes of its own,
// and lists the cases it has flagged as references that Case Graph resolves.
import { parse } from "graphql";

export const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  "A case, as the partner knows it: only its CRN and the partner's own notes."
  type Case @key(fields: "crn") {
    "Case Reference Number."
    crn: ID!
    "Notes the partner keeps on the case, oldest first."
    partnerNotes: [String!]!
  }

  type Query {
    "Cases the partner has flagged for review, in flag order."
    flaggedCases: [Case!]!
  }
`);

// data: { notes: { [crn]: string[] }, flagged: string[] }
export function resolvers(data) {
  return {
    Query: {
      flaggedCases: () => data.flagged.map((crn) => ({ crn })),
    },
    Case: {
      __resolveReference: ({ crn }) => ({ crn }),
      partnerNotes: ({ crn }) => data.notes[crn] ?? [],
    },
  };
}
