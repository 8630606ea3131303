// How server-side entries are bundled for Node (build-host.mjs, and the tests' Scaling node entry):
// one ESM file each, with packages left as imports, so the bundle must sit inside the project to find them.
export const HOST_BUNDLE = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  packages: "external",
  logLevel: "warning",
};

/** The entry of a Scaling lab's node processes, bundled by build-host.mjs, the tests and `astro dev`. */
export const SCALING_NODE_SOURCE = "src/server/scaling/node-main.ts";

/**
 * The entry of the lab databases' process, bundled by build-host.mjs as database-process.mjs beside
 * start.mjs, where database-host.ts looks for it. From source (the tests, `astro dev`) it runs as it is.
 */
export const DATABASE_PROCESS_SOURCE = "src/server/database/database-process.ts";

/** `npm run scenario`: runs a scenario against a running playground (docs/scenarios.md). */
export const SCENARIO_CLI_SOURCE = "src/client/scenario/run-scenario-cli.ts";
