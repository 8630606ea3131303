import { build, type Message, type Plugin } from "esbuild";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** A learner's server code, compiled for the sandbox: one CommonJS script and its source map. */
export interface CompiledServerCode {
  js: string;
  /** esbuild's source map (v3 JSON) from `js` back to the learner's TypeScript. */
  map: string;
}

/** An error the compiler found, at the learner's line and column (1-based). */
export interface CompileError {
  line: number;
  column: number;
  message: string;
}

export type CompileResult = { ok: true; code: CompiledServerCode } | { ok: false; errors: CompileError[] };

/** The learner's file, as stack traces and error messages name it. */
export const LEARNER_FILE = "server.ts";

/**
 * Imports a learner's server.ts may make: the lesson's own `./events.js` (bundled in, so `RESEND` or
 * `MAX_BURST` work as in the lesson), and modules whose imports are types only (erased by the compiler).
 * Any other import is left as `require(…)`, which the sandbox answers with an error saying it is not
 * available in the lab: the learner reads that in the server log, next to the line that asked.
 */
function lessonImports(lessonDir: string): Plugin {
  return {
    name: "lesson-imports",
    setup(build) {
      build.onResolve({ filter: /^\.\/events(\.js|\.ts)?$/ }, () => ({ path: join(lessonDir, "events.ts"), namespace: "lesson" }));
      build.onLoad({ filter: /.*/, namespace: "lesson" }, async (args) => ({ contents: await readFile(args.path, "utf8"), loader: "ts" }));
      // Everything else stays outside the bundle: a type-only import vanishes, a value import becomes require().
      build.onResolve({ filter: /.*/ }, (args) => (args.kind === "entry-point" ? undefined : { path: args.path, external: true }));
    },
  };
}

function toError(message: Message): CompileError {
  return { line: message.location?.line ?? 1, column: (message.location?.column ?? 0) + 1, message: message.text };
}

/**
 * Compiles a learner's TypeScript for the sandbox. Syntax errors refuse the code before it runs; type
 * errors do not (the editor shows them), as with `tsc` and every bundler.
 */
export async function compileServerCode(source: string, lessonDir: string): Promise<CompileResult> {
  try {
    const result = await build({
      stdin: { contents: source, loader: "ts", sourcefile: LEARNER_FILE, resolveDir: lessonDir },
      bundle: true,
      write: false,
      format: "cjs",
      platform: "neutral",
      // QuickJS speaks ES2023: nothing needs lowering, so lines stay as the learner wrote them.
      target: "es2022",
      sourcemap: "external",
      outfile: "server.js",
      logLevel: "silent",
      plugins: [lessonImports(lessonDir)],
    });
    const js = result.outputFiles.find((file) => file.path.endsWith(".js"))?.text ?? "";
    const map = result.outputFiles.find((file) => file.path.endsWith(".map"))?.text ?? "{}";
    return { ok: true, code: { js, map } };
  } catch (failure) {
    const errors = (failure as { errors?: Message[] }).errors;
    if (!errors) throw failure;
    return { ok: false, errors: errors.slice(0, 20).map(toError) };
  }
}
