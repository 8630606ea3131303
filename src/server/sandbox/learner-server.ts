import type { LessonServerOptions } from "../../lessons/lab-context.js";
import type { LessonHandlers } from "../lab/lab-backend.js";
import type { CompiledServerCode } from "./compile.js";
import { clampLearnerOptions } from "./learner-options.js";
import { describeFrame, learnerFrames } from "./learner-stack.js";
import { QuickJsVm, type HostAnswer, type LimitHit } from "./quickjs-vm.js";
import { SandboxDatabase } from "./sandbox-database.js";
import type { SandboxLimits } from "./sandbox-limits.js";
import { SocketBridge, type ReportedError } from "./socket-bridge.js";

/** A learner's code loaded in its sandbox, ready to run on the next server the lab starts. */
export interface LearnerServer {
  /** The code's `export const options`, held to the lab's ranges. */
  options: LessonServerOptions;
  /** What the lab changed in those options, one sentence each. */
  notes: string[];
  /** Runs the code on a real server: the lab calls it as it would a lesson's handlers (a Scaling node names itself). */
  handlers(io: Parameters<LessonHandlers>[0], lab: Parameters<LessonHandlers>[1], node?: string): void;
  /** The sandbox's memory now, in bytes. */
  readonly memoryBytes: number;
  dispose(): void;
}

export type PrepareResult = { ok: true; server: LearnerServer } | { ok: false; message: string; line?: number; column?: number };

/** What the lab hears from running learner code: a line for the log, and a stop (a limit hit). */
export interface LearnerEvents {
  log(message: string): void;
  stopped(reason: string): void;
}

const WHILE_LOADING = "This runs while your module loads: use the lab inside `export default (io, lab) => { … }`.";

/**
 * Loads a learner's compiled server code into a fresh sandbox and reads its options. The code's default
 * export runs later, when the lab starts a server with `handlers`; each server start needs its own sandbox
 * (a restart starts the code afresh, as a restart of a real process would).
 */
export async function prepareLearnerServer(
  code: CompiledServerCode,
  limits: SandboxLimits,
  maxPayloadBytes: number,
  events: LearnerEvents,
): Promise<PrepareResult> {
  let bridge: SocketBridge | undefined;
  const early: string[] = [];
  const place = (stack: string) => describeFrame(learnerFrames(stack, code.map)[0]);
  const reportError = (error: ReportedError) => {
    events.log(`error in ${error.where} at ${place(error.stack)}: ${error.name}: ${error.message}`);
    vm.notice(error);
    return null;
  };
  const host = (op: string, payload: string, binaries: ArrayBuffer[]): HostAnswer => {
    if (bridge) return bridge.handle(op, payload, binaries);
    if (op === "log") early.push(String((JSON.parse(payload) as { message?: unknown }).message ?? ""));
    // Lines logged while the module loads arrive as a batch of waiting calls.
    if (op === "batch") {
      for (const [name, input] of JSON.parse(payload) as [string, { message?: unknown }][]) {
        if (name === "log") early.push(String(input?.message ?? ""));
      }
      return { json: "{}" };
    }
    if (op === "error") return { json: JSON.stringify({ v: reportError(JSON.parse(payload) as ReportedError) }) };
    return { json: JSON.stringify(op === "log" ? { v: null } : { e: WHILE_LOADING }) };
  };
  const onLimit = (hit: LimitHit) => {
    const where = hit.stack ? ` at ${place(hit.stack)}` : "";
    bridge?.close();
    vm.dispose();
    events.stopped(`Your server code was stopped: it ${hit.message}${where} (the ${hit.limit} limit).`);
  };
  const vm = await QuickJsVm.create(
    { memoryBytes: limits.memoryMb * 2 ** 20, callMs: limits.callMs, cpuMsPerSecond: limits.cpuMsPerSecond },
    host,
    onLimit,
  );
  const loaded = vm.load(code.js, "server.js");
  if (!loaded.ok) {
    vm.dispose();
    const frame = learnerFrames(loaded.error.stack, code.map)[0];
    return {
      ok: false,
      message: `${loaded.error.name}: ${loaded.error.message} (${describeFrame(frame)})`,
      line: frame?.line,
      column: frame?.column,
    };
  }
  const { options, notes } = clampLearnerOptions(vm.options(), maxPayloadBytes);
  const server: LearnerServer = {
    options,
    notes,
    get memoryBytes() {
      return vm.memoryBytes;
    },
    handlers: (io, lab, node) => {
      const database = new SandboxDatabase(lab.database, limits);
      bridge = new SocketBridge(io, lab, vm, database, limits, reportError, node);
      lab.onClose(() => {
        bridge?.close();
        database.close();
        vm.dispose();
      });
      for (const line of early.splice(0)) events.log(line);
      bridge.start();
    },
    dispose: () => vm.dispose(),
  };
  return { ok: true, server };
}
