// Runs before the npm scripts that need the project's Node (start, dev, build, test): on an older Node
// they would fail deep inside Astro or vitest, so stop first and say what to do. Written to run on any Node.
import { readFileSync } from "node:fs";

const wanted = Number(/\d+/.exec(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).engines.node)[0]);
const current = Number(process.versions.node.split(".")[0]);
if (current < wanted) {
  console.error(
    `Socket.IO Playground needs Node.js ${wanted} or newer; this is Node.js ${process.versions.node}.\n` +
      `Run \`source scripts/use-node.sh\` in this shell first: it puts Node.js ${wanted} first on PATH, installing it from the npm registry if needed.`,
  );
  process.exit(1);
}
