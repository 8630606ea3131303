// Imported first by the host's entry (and the load benchmark's plain server, so both are measured alike):
// when the host's settings ask for V8 flags the process was not started with, it starts again with them,
// before any other module runs. They are the heap's sizing (PLAYGROUND_SEMI_SPACE_MB and
// PLAYGROUND_HEAP_GROWING_PERCENT, heap-sizing.ts), on by default, and single-threaded GC when
// PLAYGROUND_SINGLE_THREADED_GC asks for it (one-cpu-gc.ts). process.execve keeps the process: its pid,
// its parent, its descriptors and its environment.
import { availableParallelism } from "node:os";
import { HEAP_GROWING_VARIABLE, SEMI_SPACE_VARIABLE, heapGrowingFrom, semiSpaceFrom, v8Flag } from "./heap-sizing.js";
import { SINGLE_THREADED_GC_VARIABLE, gcModeFrom, singleThreadedGcFlag } from "./one-cpu-gc.js";
import { argumentsWithFlags } from "./start-again.js";

// Every setting is read (and a wrong value refused) on every platform, before anything else happens.
const gcMode = gcModeFrom(process.env[SINGLE_THREADED_GC_VARIABLE]);
const semiSpaceMb = semiSpaceFrom(process.env[SEMI_SPACE_VARIABLE]);
const growingPercent = heapGrowingFrom(process.env[HEAP_GROWING_VARIABLE]);
const { execArgv } = process;
const flags = [
  singleThreadedGcFlag(gcMode, availableParallelism(), execArgv),
  v8Flag("max-semi-space-size", semiSpaceMb, execArgv, process.env.NODE_OPTIONS),
  v8Flag("heap-growing-percent", growingPercent, execArgv, process.env.NODE_OPTIONS),
].filter((flag) => flag !== undefined);
// process.execve is POSIX only; elsewhere the host runs with V8's defaults.
if (process.platform !== "win32" && flags.length > 0) {
  process.execve?.(process.execPath, argumentsWithFlags(flags, process.execPath, execArgv, process.argv), process.env);
}
