import type { Scenario } from "../../../shared/scenario/schema.js";
import { EXPORT_DIFFERENCES, EXPORT_UNSUPPORTED, LEARNER_CODE_DIFFERENCES } from "./unsupported.js";
import { scenarioServerCodes } from "./server-codes.js";
import { VERSIONS } from "./versions.js";

export { EXPORT_UNSUPPORTED };

/** Where the site serves the parts of a script (src/pages/scenario-export/[file].ts, built by export-bundles.ts). */
export const EXPORT_PATH = "/scenario-export";
export const runnerUrl = () => `${EXPORT_PATH}/runner.js`;
export const lessonUrl = (lesson: string) => `${EXPORT_PATH}/lesson-${lesson}.js`;

const comment = (text: string) =>
  text
    .split("\n")
    .map((line) => ` * ${line}`.trimEnd())
    .join("\n");

/** One server code of the scenario, as the learner wrote it and as the host compiled it (CommonJS). */
export interface CompiledCode {
  source: string;
  js: string;
}

/** A compiled CommonJS module as a function that evaluates it afresh each call, with the console it is given. */
function moduleFactory(js: string): string {
  return [
    "((console) => {",
    "  const module = { exports: {} };",
    "  ((module, exports, require, console) => {",
    js,
    "  })(module, module.exports, __createRequire(import.meta.url), console);",
    "  return module.exports;",
    "})",
  ].join("\n");
}

/**
 * One standalone Node file: a header that says what it is and how to run it, the scenario, the lesson's
 * handlers (a CommonJS function, so its `require("socket.io")` resolves where the file is run), the
 * learner's server code when the scenario has some (compiled by the host, see index.ts), and the runner.
 * The parts come from the site (built once, at build time, or compiled on export); this only joins them.
 */
export function assembleScript(scenario: Scenario, parts: { runner: string; lesson: string; learner?: readonly CompiledCode[] }): string {
  const codes = scenarioServerCodes(scenario);
  const compiled = new Map((parts.learner ?? []).map((code) => [code.source, code.js]));
  const missing = codes.filter((source) => !compiled.has(source));
  if (missing.length) throw new Error(`The scenario's server code was not compiled (${missing.length} of ${codes.length}).`);
  const caveat = EXPORT_UNSUPPORTED[scenario.lesson];
  const header = [
    `${scenario.title}`,
    "",
    `A reproduction exported from the Socket.IO Playground ${VERSIONS.site} (lesson "${scenario.lesson}").`,
    `Built with socket.io ${VERSIONS.socketIo} and socket.io-client ${VERSIONS.socketIoClient}; it imports only those two`,
    `packages and Node's built-ins. It starts a plain Socket.IO server with ${scenario.server?.code !== undefined ? "the learner's server code (below)" : "the lesson's handlers"}, puts a small proxy`,
    "on 127.0.0.1 between each client and the server to do the scenario's faults, plays the steps, and prints each",
    "expectation's result.",
    "",
    "Run it:  npm install socket.io socket.io-client && node this-file.mjs  (add --json for the results as JSON)",
    "It exits 0 when every expectation passes, 1 otherwise.",
    ...(caveat ? ["", `Not reproduced here: ${caveat}`] : []),
    ...(EXPORT_DIFFERENCES[scenario.lesson] ? ["", `Unlike the lab: ${EXPORT_DIFFERENCES[scenario.lesson]}`] : []),
    ...(codes.length ? ["", `Unlike the lab: ${LEARNER_CODE_DIFFERENCES}`] : []),
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
    ...(codes.length
      ? [
          "",
          "// The learner's server code, compiled from their TypeScript by the playground's host with the compiler its",
          "// sandbox uses; each server start evaluates it afresh, as each lab server start loads it in a fresh sandbox.",
          "const __LEARNER__ = [",
          ...codes.map((source) => `  { source: ${JSON.stringify(source)}, load: ${moduleFactory(compiled.get(source)!)} },`),
          "];",
        ]
      : ["const __LEARNER__ = [];"]),
    "const __PLAYGROUND_EXPORT__ = { scenario: __SCENARIO__, lesson: __LESSON__, learner: __LEARNER__ };",
    "",
    "// The runner: the playground's own scenario runner and virtual clients, with a plain server and a fault proxy.",
    parts.runner,
  ].join("\n");
}
