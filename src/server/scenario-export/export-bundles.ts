import { build, type BuildOptions } from "esbuild";
import { COURSE_SLUGS } from "../../shared/course.js";

/**
 * The parts of an exported scenario script (docs/scenarios.md, "Export"), bundled at build time so the
 * browser only fetches them and joins them with the scenario (src/client/scenario/export/assemble.ts):
 * - `runner.js`: the playground's own scenario runner and virtual clients, with a plain Socket.IO server and
 *   the fault proxy, as one ES module whose only package imports are socket.io and socket.io-client;
 * - `lesson-<slug>.js`: a lesson's server.ts (its handlers, `options` and `settings`) as CommonJS.
 */
export const EXPORT_FILES = ["runner.js", ...COURSE_SLUGS.map((slug) => `lesson-${slug}.js`)] as const;

/** The packages a script may import: a reader installs these two and nothing else. */
export const SCRIPT_PACKAGES = ["socket.io", "socket.io-client"] as const;

export const RUNNER_SOURCE = "src/client/scenario/export/node/main.ts";

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node24",
  write: false,
  external: [...SCRIPT_PACKAGES],
  logLevel: "warning",
  legalComments: "none",
  charset: "utf8",
};

/** One part's text, from the project's sources (run from the project's root, as the build and tests are). */
export async function exportBundle(file: string): Promise<string> {
  const lesson = /^lesson-([a-z-]+)\.js$/.exec(file)?.[1];
  if (file === "runner.js") {
    const result = await build({ ...common, entryPoints: [RUNNER_SOURCE], format: "esm" });
    return result.outputFiles?.[0]?.text ?? "";
  }
  if (lesson && (COURSE_SLUGS as readonly string[]).includes(lesson)) {
    const result = await build({ ...common, entryPoints: [`src/lessons/${lesson}/server.ts`], format: "cjs" });
    return result.outputFiles?.[0]?.text ?? "";
  }
  throw new Error(`No export part called ${file}.`);
}
