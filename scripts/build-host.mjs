// Bundles the production server entry (src/server/start.ts) next to Astro's build: dist/host/start.mjs,
// the entry of a Scaling lab's node processes: dist/host/scaling-node.mjs, and that of the lab databases'
// process: dist/host/database-process.mjs, and the scenario runner for scripts: dist/host/run-scenario.mjs.
import { build } from "esbuild";
import { DATABASE_PROCESS_SOURCE, HOST_BUNDLE, SCALING_NODE_SOURCE, SCENARIO_CLI_SOURCE } from "./host-bundle.mjs";

await build({
  entryPoints: {
    start: "src/server/start.ts",
    "scaling-node": SCALING_NODE_SOURCE,
    "database-process": DATABASE_PROCESS_SOURCE,
    "run-scenario": SCENARIO_CLI_SOURCE,
  },
  outdir: "dist/host",
  outExtension: { ".js": ".mjs" },
  ...HOST_BUNDLE,
});
