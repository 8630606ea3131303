import type { Scenario } from "../../../shared/scenario/schema.js";
import { VERSIONS } from "./versions.js";

/** Where the site serves the parts of a script (src/pages/scenario-export/[file].ts, built by export-bundles.ts). */
export const EXPORT_PATH = "/scenario-export";
export const runnerUrl = () => `${EXPORT_PATH}/runner.js`;
export const lessonUrl = (lesson: string) => `${EXPORT_PATH}/lesson-${lesson}.js`;

/** What a script cannot reproduce of a lab, by lesson, told in its header (docs/scenarios.md, "Export"). */
export const EXPORT_CAVEATS: Readonly<Record<string, string>> = {
  scaling:
    'The Scaling lab\'s nodes here are two plain Socket.IO servers in this one process behind a round-robin or sticky balancer in the proxy. With only socket.io and socket.io-client, there is no Redis and no cluster: the adapters "cluster" and "redis-streams" are stood in for by one in-process adapter the two servers share, which broadcasts across them as those adapters would.',
};

const comment = (text: string) =>
  text
    .split("\n")
    .map((line) => ` * ${line}`.trimEnd())
    .join("\n");

/**
 * One standalone Node file: a header that says what it is and how to run it, the scenario, the lesson's
 * handlers (a CommonJS function, so its `require("socket.io")` resolves where the file is run), and the
 * runner. The parts come from the site (built once, at build time); this only joins them.
 */
export function assembleScript(scenario: Scenario, parts: { runner: string; lesson: string }): string {
  const caveat = EXPORT_CAVEATS[scenario.lesson];
  const header = [
    `${scenario.title}`,
    "",
    `A reproduction exported from the Socket.IO Playground ${VERSIONS.site} (lesson "${scenario.lesson}").`,
    `Built with socket.io ${VERSIONS.socketIo} and socket.io-client ${VERSIONS.socketIoClient}; it imports only those two`,
    "packages and Node's built-ins. It starts a plain Socket.IO server with the lesson's handlers, puts a small proxy",
    "on 127.0.0.1 between each client and the server to do the scenario's faults, plays the steps, and prints each",
    "expectation's result.",
    "",
    "Run it:  npm install socket.io socket.io-client && node this-file.mjs  (add --json for the results as JSON)",
    "It exits 0 when every expectation passes, 1 otherwise.",
    ...(caveat ? ["", `Unlike the lab: ${caveat}`] : []),
  ].join("\n");
  return [
    "#!/usr/bin/env node",
    `/**\n${comment(header)}\n */`,
    'import { createRequire as __createRequire } from "node:module";',
    "",
    "// The scenario, as the playground's format (docs/scenarios.md) has it.",
    `const __SCENARIO__ = ${JSON.stringify(scenario, null, 2)};`,
    "",
    "// The lesson's server handlers (src/lessons/<slug>/server.ts), bundled as plain JavaScript.",
    "const __LESSON__ = ((module, exports, require) => {",
    parts.lesson,
    "  return module.exports;",
    "})({ exports: {} }, undefined, __createRequire(import.meta.url));",
    "const __PLAYGROUND_EXPORT__ = { scenario: __SCENARIO__, lesson: __LESSON__ };",
    "",
    "// The runner: the playground's own scenario runner and virtual clients, with a plain server and a fault proxy.",
    parts.runner,
  ].join("\n");
}
