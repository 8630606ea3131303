// Bundles the production server entry (src/server/start.ts) next to Astro's build: dist/host/start.mjs.
import { build } from "esbuild";

await build({
  entryPoints: ["src/server/start.ts"],
  outfile: "dist/host/start.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
