// Bundles the production server entry (src/server/start.ts) next to Astro's build: dist/host/start.mjs,
// and the entry of a Scaling lab's node processes: dist/host/scaling-node.mjs.
import { build } from "esbuild";
import { HOST_BUNDLE, SCALING_NODE_SOURCE } from "./host-bundle.mjs";

await build({
  entryPoints: { start: "src/server/start.ts", "scaling-node": SCALING_NODE_SOURCE },
  outdir: "dist/host",
  outExtension: { ".js": ".mjs" },
  ...HOST_BUNDLE,
});
