// Bundles the production server entry (src/server/start.ts) next to Astro's build: dist/host/start.mjs,
// and the entry of a Scaling lab's node processes: dist/host/scaling-node.mjs.
import { build } from "esbuild";

await build({
  entryPoints: { start: "src/server/start.ts", "scaling-node": "src/server/scaling/node-main.ts" },
  outdir: "dist/host",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
