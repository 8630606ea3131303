// Imported first by the host's entry (and the load benchmark's plain server, so both are measured alike):
// when PLAYGROUND_SINGLE_THREADED_GC asks for it, the process starts again with single-threaded GC before
// any other module runs (one-cpu-gc.ts).
import { availableParallelism } from "node:os";
import { SINGLE_THREADED_GC_VARIABLE, argumentsWithSingleThreadedGc, gcModeFrom, restartsWithSingleThreadedGc } from "./one-cpu-gc.js";

const mode = gcModeFrom(process.env[SINGLE_THREADED_GC_VARIABLE]);
// process.execve is POSIX only; elsewhere the host runs with V8's default.
if (process.platform !== "win32" && restartsWithSingleThreadedGc(mode, availableParallelism(), process.execArgv)) {
  process.execve?.(process.execPath, argumentsWithSingleThreadedGc(process.execPath, process.execArgv, process.argv), process.env);
}
