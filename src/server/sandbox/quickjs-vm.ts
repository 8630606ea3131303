import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import releaseSync from "@jitl/quickjs-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
} from "quickjs-emscripten-core";
import { sandboxRuntime, type ModuleFactory } from "./sandbox-runtime.js";

/** Why a sandbox stopped the code: a limit, with where the code was when it hit it. */
export interface LimitHit {
  limit: "memory" | "cpu-per-call" | "cpu-per-second" | "stack";
  message: string;
  stack: string;
}

export interface VmLimits {
  memoryBytes: number;
  callMs: number;
  cpuMsPerSecond: number;
}

/** What the host answers a call from inside: JSON text, with binary parts beside it. */
export interface HostAnswer {
  json: string;
  binaries?: ArrayBuffer[];
}

export type HostHandler = (op: string, payload: string, binaries: ArrayBuffer[]) => HostAnswer;

const WASM_PAGE = 64 * 1024;

/**
 * CPU time of this thread, in ms. The limits count the CPU the code took, not the time that passed: on a
 * busy host a handler that was merely waiting for a core must not be stopped as if it had spun.
 */
function cpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}
/** Host time one call may spend beyond its own CPU limit, in multiples of that limit. */
const HOST_ALLOWANCE_CALLS = 4;
const RUNTIME_SOURCE = `(${sandboxRuntime.toString()})`;

/**
 * QuickJS's WebAssembly, compiled once per process: each lab then only instantiates it (a few ms) with
 * memory of its own, instead of compiling 500 KB of WebAssembly on every "Run on my lab".
 */
let variant: Promise<QuickJSSyncVariant> | undefined;
function compiledVariant(): Promise<QuickJSSyncVariant> {
  variant ??= readFile(createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm"))
    .then((bytes) => WebAssembly.compile(bytes))
    .then((wasmModule) => newVariant(releaseSync, { wasmModule }));
  return variant;
}

/**
 * One learner's code in its own QuickJS, in its own WebAssembly instance, so nothing it does can reach the
 * host's objects or another lab's memory.
 *
 * Memory: QuickJS's own malloc limit counts every allocation as a few bytes when built for WebAssembly (its
 * usable-size hook is 0 there, quickjs-emscripten #255 and #271), so it only refuses a single allocation
 * larger than the limit. The instance's linear memory is what really grows, so its `grow` is capped: past
 * the cap malloc fails and QuickJS throws "out of memory", which stops the code.
 *
 * CPU: QuickJS asks the interrupt handler every few thousand operations (regular expressions included); it
 * answers yes once the call has used its CPU time, and QuickJS throws an error no `catch` can stop.
 */
export class QuickJsVm {
  private entry!: { dispatch: QuickJSHandle; flush: QuickJSHandle; load: QuickJSHandle; options: QuickJSHandle };
  private deadline = Number.POSITIVE_INFINITY;
  private depth = 0;
  /** Time the current outer call spent in the host (Socket.IO, the database, the log), not in the code. */
  private hostMs = 0;
  /** The interrupt handler told QuickJS to stop during the current outer call. */
  private interrupted = false;
  private get hostAllowanceMs(): number {
    return HOST_ALLOWANCE_CALLS * this.limits.callMs;
  }
  private windowStart = 0;
  private windowMs = 0;
  private hit: LimitHit | undefined;
  private inbound: ArrayBuffer[] = [];
  private outbound: ArrayBuffer[] = [];
  private disposed = false;
  /** A host exception unwound through QuickJS's frames: its state can no longer be trusted, nor freed. */
  private broken = false;

  private constructor(
    private readonly runtime: QuickJSRuntime,
    private readonly vm: QuickJSContext,
    private readonly memory: WebAssembly.Memory,
    private readonly limits: VmLimits,
    private readonly onLimit: (hit: LimitHit) => void,
    private readonly host: HostHandler,
  ) {}

  static async create(limits: VmLimits, host: HostHandler, onLimit: (hit: LimitHit) => void): Promise<QuickJsVm> {
    // A WebAssembly instance per lab: its memory is the lab's alone, and goes with it.
    const module = await newQuickJSWASMModuleFromVariant(await compiledVariant());
    const memory = module.getWasmMemory();
    const cap = Math.max(memory.buffer.byteLength + WASM_PAGE, limits.memoryBytes);
    const grow = memory.grow.bind(memory);
    memory.grow = (delta: number) => {
      if (memory.buffer.byteLength + delta * WASM_PAGE > cap) throw new RangeError("the lab's memory limit");
      return grow(delta);
    };
    // QuickJS's frames run on Node's own stack (as WebAssembly frames): its stack limit must trip before
    // Node's does, or a deep recursion throws a RangeError in the host. 128 KB is about 650 calls deep.
    const runtime = module.newRuntime({ memoryLimitBytes: limits.memoryBytes, maxStackSizeBytes: 128 * 1024 });
    const vm = runtime.newContext();
    const sandbox = new QuickJsVm(runtime, vm, memory, limits, onLimit, host);
    sandbox.install();
    return sandbox;
  }

  private install(): void {
    const { vm } = this;
    this.runtime.setInterruptHandler(() => {
      if (cpuMs() > this.deadline) this.interrupted = true;
      return this.interrupted;
    });
    // esbuild leaves `import(name)` as it is: without a loader QuickJS only says "could not load module".
    this.runtime.setModuleLoader((name) => ({
      error: new Error(
        `import("${name.slice(0, 60)}") is not available in the lab: your server code can use io, its sockets, lab, timers and console.`,
      ),
    }));
    const hostFn = vm.newFunction("host", (opHandle, payloadHandle) => {
      const answer = this.callHost(vm.getString(opHandle), vm.getString(payloadHandle));
      if (answer.binaries?.length) this.inbound = answer.binaries;
      return vm.newString(answer.json);
    });
    const channel = vm.newObject();
    const take = vm.newFunction("take", () => {
      const array = vm.newArray();
      this.inbound.forEach((buffer, index) => {
        const handle = vm.newArrayBuffer(buffer);
        vm.setProp(array, index, handle);
        handle.dispose();
      });
      this.inbound = [];
      return array;
    });
    const put = vm.newFunction("put", (bufferHandle) => {
      const bytes = vm.getArrayBuffer(bufferHandle);
      this.outbound.push(bytes.value.slice().buffer);
      bytes.dispose();
    });
    vm.setProp(channel, "take", take);
    vm.setProp(channel, "put", put);
    const factory = vm.unwrapResult(vm.evalCode(RUNTIME_SOURCE, "lab-runtime.js"));
    const entry = vm.unwrapResult(vm.callFunction(factory, vm.undefined, hostFn, channel));
    this.entry = {
      dispatch: vm.getProp(entry, "dispatch"),
      flush: vm.getProp(entry, "flush"),
      load: vm.getProp(entry, "load"),
      options: vm.getProp(entry, "options"),
    };
    for (const handle of [factory, entry, hostFn, channel, take, put]) handle.dispose();
  }

  /** Runs one call of the code's on the host: from inside (`host(op, json)`), or a batch a call returned. */
  private callHost(op: string, payload: string): HostAnswer {
    const binaries = this.outbound;
    this.outbound = [];
    const started = cpuMs();
    try {
      return this.host(op, payload, binaries);
    } finally {
      // The CPU limits are the code's own: what Socket.IO and the lab do for it (an io.emit to every
      // client, the frame log) is not charged, or the lesson's own code trips them on a busy host.
      // Only up to an allowance, though: a loop of host calls (`while (true) socket.rooms`) is still stopped.
      const spent = Math.min(cpuMs() - started, Math.max(0, this.hostAllowanceMs - this.hostMs));
      this.hostMs += spent;
      if (this.deadline > 0 && Number.isFinite(this.deadline)) this.deadline += spent;
    }
  }

  /**
   * Runs the calls a dispatch or a flush returned (a JSON list, "" for none): once QuickJS has returned,
   * so most events cost no crossing back into the host from inside.
   */
  private runBatch(result: { error?: QuickJSHandle; value?: QuickJSHandle }): void {
    if (result.error || !result.value) return;
    const batch = this.vm.getString(result.value);
    if (batch) this.callHost("batch", batch);
  }

  get stopped(): boolean {
    return this.hit !== undefined || this.disposed;
  }

  /** The instance's memory now, in bytes (it never shrinks). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Evaluates the learner's compiled module (CommonJS from esbuild) and hands it to the runtime. A throw
   * while loading comes back as an Error whose stack names the learner's lines.
   */
  load(js: string, file: string): { ok: true } | { ok: false; error: { name: string; message: string; stack: string } } {
    return this.run(() => {
      // One line, so the learner's line 1 stays line 1 of what QuickJS runs.
      const result = this.vm.evalCode(`(function (module, exports, require) {${js}\n})`, file);
      if (result.error) return result;
      const call = this.vm.callFunction(this.entry.load, this.vm.undefined, result.value);
      result.value.dispose();
      return call;
    }, false);
  }

  options(): unknown {
    let json = "{}";
    this.run(() => {
      const result = this.vm.callFunction(this.entry.options, this.vm.undefined);
      if (!result.error) json = this.vm.getString(result.value);
      return result;
    }, false);
    return JSON.parse(json) as unknown;
  }

  /** Delivers one message to the runtime (see its handlers), with binary parts if any; then settles promises. */
  dispatch(message: unknown[], binaries: ArrayBuffer[] = []): void {
    if (this.stopped) return;
    this.run(() => {
      if (binaries.length) this.inbound = binaries;
      const text = this.vm.newString(JSON.stringify(message));
      const result = this.vm.callFunction(this.entry.dispatch, this.vm.undefined, text);
      text.dispose();
      this.runBatch(result);
      return result;
    }, message[0] !== "start");
  }

  /**
   * Runs one call into QuickJS under the CPU limits, then its promise jobs; notices a limit hit. Loading
   * and the default export's first run are not charged to the per-second budget (still to the per-call
   * one): they run once, on a cold WebAssembly instance whose first calls compile as they go.
   */
  private run(
    call: () => { error?: QuickJSHandle; value?: QuickJSHandle },
    charged = true,
  ): { ok: true } | { ok: false; error: { name: string; message: string; stack: string } } {
    if (this.stopped) return { ok: false, error: { name: "Error", message: "The code was stopped.", stack: "" } };
    const outer = this.depth === 0;
    const started = cpuMs();
    if (outer) {
      this.deadline = started + this.limits.callMs;
      this.hostMs = 0;
      this.interrupted = false;
    }
    this.depth += 1;
    let failure: { name: string; message: string; stack: string } | undefined;
    try {
      const result = this.guardHost(call) ?? {};
      if (result.error) {
        failure = this.describe(result.error);
        result.error.dispose();
      } else result.value?.dispose();
      if (outer && !failure && !this.stopped) {
        // Most events await nothing: asking costs less than running an empty job queue.
        const jobs = this.runtime.hasPendingJob() ? this.guardHost(() => this.runtime.executePendingJobs()) : undefined;
        if (jobs?.error) {
          failure = this.describe(jobs.error);
          jobs.error.dispose();
        } else if (jobs && jobs.value > 0) {
          // Calls made after an await waited in the runtime: send them now.
          const flushed = this.guardHost(() => {
            const result = this.vm.callFunction(this.entry.flush, this.vm.undefined);
            this.runBatch(result);
            return result;
          });
          if (flushed?.error) {
            failure = this.describe(flushed.error);
            flushed.error.dispose();
          } else flushed?.value?.dispose();
        }
      }
    } finally {
      this.depth -= 1;
      if (outer) this.deadline = Number.POSITIVE_INFINITY;
    }
    if (failure) this.notice(failure);
    // QuickJS was told to interrupt, but "interrupted" may not come out: in a promise job it becomes a
    // rejection, so a chain of jobs that overran would otherwise just end in silence, unstopped.
    if (outer && this.interrupted) this.notice({ name: "InternalError", message: "interrupted", stack: failure?.stack ?? "" });
    // Host work still costs the host: half of it counts toward the per-second budget, so a lab cannot make
    // the host work all second long by asking for it from many short calls (timers, say).
    if (outer && charged) this.charge(cpuMs() - started - this.hostMs / 2);
    return failure ? { ok: false, error: failure } : { ok: true };
  }

  /**
   * Runs a step into QuickJS; an exception of the host's own that escapes it (Node's stack overflowing
   * under a deep host stack) stops the code instead of reaching the Socket.IO handler that dispatched.
   */
  private guardHost<T>(step: () => T): T | undefined {
    if (this.broken) return undefined;
    try {
      return step();
    } catch (error) {
      this.broken = true;
      const message =
        error instanceof RangeError ? "recursed deeper than the lab's stack allows" : `broke the sandbox (${String(error).slice(0, 100)})`;
      if (!this.hit) this.stop({ limit: "stack", message, stack: "" });
      return undefined;
    }
  }

  private describe(handle: QuickJSHandle): { name: string; message: string; stack: string } {
    const error = this.vm.dump(handle) as { name?: unknown; message?: unknown; stack?: unknown } | unknown;
    if (error && typeof error === "object") {
      const e = error as { name?: unknown; message?: unknown; stack?: unknown };
      return { name: String(e.name ?? "Error"), message: String(e.message ?? ""), stack: String(e.stack ?? "") };
    }
    return { name: "Error", message: String(error), stack: "" };
  }

  /** An error that is a limit (QuickJS's "interrupted" and "out of memory") stops the code. */
  notice(error: { name: string; message: string; stack: string }): void {
    if (this.hit || error.name !== "InternalError") return;
    if (error.message === "interrupted") {
      this.stop({ limit: "cpu-per-call", message: `ran for more than ${this.limits.callMs} ms in one call`, stack: error.stack });
    } else if (error.message === "out of memory") {
      this.stop({ limit: "memory", message: `used more than ${Math.round(this.limits.memoryBytes / 2 ** 20)} MB`, stack: error.stack });
    }
  }

  private charge(ms: number): void {
    const now = performance.now();
    if (now - this.windowStart > 1000) {
      this.windowStart = now;
      this.windowMs = 0;
    }
    this.windowMs += ms;
    if (this.windowMs > this.limits.cpuMsPerSecond && !this.hit) {
      this.stop({ limit: "cpu-per-second", message: `used more than ${this.limits.cpuMsPerSecond} ms of CPU in one second`, stack: "" });
    }
  }

  private stop(hit: LimitHit): void {
    this.hit = hit;
    // Whatever still runs inside is interrupted at its next check.
    this.deadline = 0;
    queueMicrotask(() => this.onLimit(hit));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.depth > 0) return queueMicrotask(() => this.free());
    this.free();
  }

  private free(): void {
    // Freeing a broken runtime aborts on its own assertions; its WebAssembly instance goes with this object.
    if (this.broken) return;
    try {
      for (const handle of Object.values(this.entry)) handle.dispose();
      this.vm.dispose();
      this.runtime.dispose();
    } catch {
      // A runtime that ran out of memory may not free cleanly; its WebAssembly instance goes with this object.
    }
  }
}

export type { ModuleFactory };
