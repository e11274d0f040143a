// PostGraphile v5 over the legacy nDelius tables (schema public), as a team would
// deploy it: the Amber preset plus the connection-filter plugin (date ranges and filters
// across relations), and, as its users look up a batch of keys, one indexed SQL function
// in a schema of its own (postgraphile_api, from batch.sql). No hand-written resolvers.
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  // The legacy tables index few of the columns every query must filter on (SOFT_DELETED,
  // ACTIVE_FLAG, DEREGISTERED): let every column be used in conditions and orderBy.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public", "postgraphile_api"],
      // The same pool size as Case Graph's default (CASEGRAPH_DELIUS_POOL_MAX).
      poolConfig: { max: 10 },
    }),
  ],
  schema: {
    connectionFilterRelations: true,
    pgForbidSetofFunctionsToReturnNull: false,
  },
  grafserv: {
    graphiql: false,
    watch: false,
    maxRequestLength: 1_000_000,
  },
  grafast: {
    explain: false,
  },
};

export default preset;
