/**
 * The learner's server code on their lab, through the control API (docs/lab-api.md): run it, go back to the
 * lesson's code, ask which runs. No DOM and no Monaco, so the page's box and the Node tests share it.
 */
import type { ApiError, LabInfo } from "../../shared/lab-api.js";
import type { ServerLogEntry } from "../../shared/server-log.js";
import { reportLabAction } from "../lab-actions.js";

/** Where the compiler found a problem in the learner's file (1-based, as editors count). */
export interface ServerCodeError {
  line: number;
  column: number;
  message: string;
}

export type RunServerCodeResult =
  | { ok: true; lab: LabInfo; notes: string[] }
  | { ok: false; code: "compile_error"; message: string; errors: ServerCodeError[] }
  | { ok: false; code: string; message: string };

interface Endpoint {
  id: string;
}

const url = (lab: Endpoint, origin: string) => `${origin}/api/labs/${encodeURIComponent(lab.id)}/server-code`;

/** Runs `code` on the lab in place of the lesson's server.ts; the lab restarts its server, so its clients reconnect. */
export async function runServerCode(lab: Endpoint, code: string, origin = ""): Promise<RunServerCodeResult> {
  const response = await fetch(url(lab, origin), {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  const body = (await response.json().catch(() => ({}))) as Partial<
    LabInfo & { notes: string[] } & ApiError & { errors: ServerCodeError[] }
  >;
  if (response.ok) {
    const { notes = [], ...info } = body;
    // "Run on my lab" is a step of a recording (src/client/scenario/record/recorder.ts).
    reportLabAction({ type: "control", method: "runServerCode", args: [lab, code], result: info });
    return { ok: true, lab: info as LabInfo, notes };
  }
  const errorCode = body.error?.code ?? (response.status === 413 ? "errorCodetoo_large" : "error");
  const message = body.error?.message ?? `The lab answered ${response.status}.`;
  if (errorCode === "compile_error") return { ok: false, code: errorCode, message, errors: body.errors ?? [] };
  return { ok: false, code: errorCode, message };
}

/** Puts the lesson's own server code back on the lab (it restarts, so its clients reconnect). */
export async function restoreLessonCode(lab: Endpoint, origin = ""): Promise<LabInfo> {
  const response = await fetch(url(lab, origin), { method: "DELETE" });
  const body = (await response.json()) as LabInfo | ApiError;
  if (!response.ok || "error" in body) throw new Error("error" in body ? body.error.message : `The lab answered ${response.status}.`);
  reportLabAction({ type: "control", method: "restoreLessonCode", args: [lab], result: body });
  return body;
}

/** The line the lab logs when learner code hit a limit; the lab then goes back to the lesson's code by itself. */
export const STOPPED_PREFIX = "Your server code was stopped";

/** Whether a log entry says the lab stopped the learner's code (and so runs the lesson's again). */
export function isFallback(entry: ServerLogEntry): entry is ServerLogEntry & { kind: "log" } {
  return entry.kind === "log" && entry.message.startsWith(STOPPED_PREFIX);
}

/** What the box says the lab runs now. */
export function describeServerCode(source: "lesson" | "learner" | undefined): string {
  return source === "learner" ? "Your lab runs your server code." : "Your lab runs the lesson's server code.";
}

/** The status line for a compile error: how many problems and where the first is. */
export function describeCompileErrors(errors: readonly ServerCodeError[]): string {
  if (errors.length === 0) return "Your server code does not compile.";
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more, underlined)` : " (underlined)";
  return `Your server code does not compile: line ${first?.line}, column ${first?.column}: ${first?.message}${more}. The lab still runs its previous code.`;
}
