import type { IncomingMessage, ServerResponse } from "node:http";
import { readJsonBody, sendError, sendJson } from "../http-json.js";
import { compileServerCode } from "../sandbox/compile.js";
import { lessonDirectory } from "../sandbox/lesson-source.js";

/** Where "Export as a script" asks the host to compile a scenario's server code (docs/scenarios.md, "Export"). */
export const EXPORT_COMPILE_PATH = "/api/scenario-export/compile";

/** What the route needs of the host: which lessons exist, and the size cap of learner server code. */
export interface ExportCompileHost {
  hasLesson(slug: string): boolean;
  /** The sandbox's `maxCodeBytes` (PLAYGROUND_SANDBOX_MAX_CODE_BYTES): the same cap as "Run on my lab". */
  maxCodeBytes: number;
}

/**
 * `POST /api/scenario-export/compile` with `{"lesson": "emit", "code": "<TypeScript>"}`: the learner's server
 * code compiled by the compiler the sandbox uses (src/server/sandbox/compile.ts, the lesson's `./events.js`
 * bundled in), answered as `{"js": "<CommonJS>"}` for an exported script to run natively. Nothing runs here:
 * it only compiles, so it spends the same per-address quota as "Run on my lab" and no sandbox.
 */
export async function compileForExport(req: IncomingMessage, res: ServerResponse, host: ExportCompileHost): Promise<void> {
  // The code travels as a JSON string: its escapes may take up to twice its bytes.
  const body = await readJsonBody(req, host.maxCodeBytes * 2 + 256);
  const { lesson, code } = (body ?? {}) as { lesson?: unknown; code?: unknown };
  if (typeof lesson !== "string" || !host.hasLesson(lesson)) {
    return sendError(res, 400, "invalid_lesson", 'Give the lesson slug as "lesson", e.g. {"lesson":"emit","code":"…"}.');
  }
  if (typeof code !== "string" || code.length === 0)
    return sendError(res, 400, "invalid_code", 'Send {"lesson": "…", "code": "<your TypeScript>"}.');
  if (Buffer.byteLength(code) > host.maxCodeBytes) {
    return sendError(res, 413, "code_too_large", `Server code may be at most ${host.maxCodeBytes} bytes.`);
  }
  const compiled = await compileServerCode(code, lessonDirectory(lesson));
  if (!compiled.ok) {
    return sendJson(res, 400, { error: { code: "compile_error", message: "The server code does not compile." }, errors: compiled.errors });
  }
  sendJson(res, 200, { js: compiled.code.js });
}
