import { spawn } from "node:child_process";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { HOST_BUNDLE } from "../../scripts/host-bundle.mjs";

// A process that imports what the host's entry imports first, then says how it was started.
const PROBE = "node_modules/.cache/socket-io-playground/start-flags-probe.mjs";

beforeAll(async () => {
  await build({
    stdin: {
      contents: `import "./src/server/host/start-flags.ts";\nconsole.log(JSON.stringify({ pid: process.pid, execArgv: process.execArgv }));`,
      resolveDir: process.cwd(),
      loader: "ts",
    },
    outfile: PROBE,
    ...HOST_BUNDLE,
  });
});

interface Probe {
  code: number | null;
  pid: number | undefined;
  lines: { pid: number; execArgv: string[] }[];
  stderr: string;
}

/**
 * Runs the probe, on CPU 0 only when `oneCpu` (taskset), with PLAYGROUND_SINGLE_THREADED_GC set to `mode`
 * and the variables in `env` (undefined: unset).
 */
function runProbe(oneCpu: boolean, mode?: string, env: Record<string, string | undefined> = {}, nodeArgs: string[] = []): Promise<Probe> {
  const command = [...(oneCpu ? ["taskset", "-c", "0"] : []), process.execPath, ...nodeArgs, PROBE];
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    PLAYGROUND_SINGLE_THREADED_GC: mode,
    PLAYGROUND_SEMI_SPACE_MB: undefined,
    ...env,
  };
  for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
  const child = spawn(command[0]!, command.slice(1), { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      const lines = stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Probe["lines"][number]);
      resolve({ code, pid: child.pid, lines, stderr });
    });
  });
}

describe("garbage collection of a host on one CPU", () => {
  it("with PLAYGROUND_SINGLE_THREADED_GC=auto, starts again with --single-threaded-gc on one CPU, keeping its pid", async () => {
    const probe = await runProbe(true, "auto");
    expect(probe.code).toBe(0);
    // One line: the first image never reached its console.log, execve replaced it.
    expect(probe.lines).toHaveLength(1);
    expect(probe.lines[0]?.execArgv).toContain("--single-threaded-gc");
    expect(probe.lines[0]?.pid).toBe(probe.pid);
  });

  it("keeps V8's own garbage collection on one CPU when PLAYGROUND_SINGLE_THREADED_GC is unset or off", async () => {
    for (const mode of [undefined, "off"]) {
      const probe = await runProbe(true, mode);
      expect(probe.code).toBe(0);
      expect(probe.lines).toHaveLength(1);
      expect(probe.lines[0]?.execArgv).not.toContain("--single-threaded-gc");
    }
  });

  it("uses single-threaded GC on any number of CPUs when PLAYGROUND_SINGLE_THREADED_GC=on", async () => {
    const probe = await runProbe(false, "on");
    expect(probe.code).toBe(0);
    expect(probe.lines[0]?.execArgv).toContain("--single-threaded-gc");
  });

  it("refuses to start with a PLAYGROUND_SINGLE_THREADED_GC it does not know, saying which values it takes", async () => {
    const probe = await runProbe(false, "sometimes");
    expect(probe.code).not.toBe(0);
    expect(probe.lines).toHaveLength(0);
    expect(probe.stderr).toContain('PLAYGROUND_SINGLE_THREADED_GC must be off, auto or on, not "sometimes".');
  });
});

describe("the heap a host starts with", () => {
  it("starts again with 128 MB semi-spaces and 100 % old-generation growth when nothing is set, keeping its pid", async () => {
    const probe = await runProbe(false);
    expect(probe.code).toBe(0);
    // One line: the first image never reached its console.log, execve replaced it.
    expect(probe.lines).toHaveLength(1);
    expect(probe.lines[0]?.execArgv).toEqual(["--max-semi-space-size=128", "--heap-growing-percent=100"]);
    expect(probe.lines[0]?.pid).toBe(probe.pid);
  });

  it("takes the sizes the settings give, together with single-threaded GC in one restart", async () => {
    const probe = await runProbe(false, "on", { PLAYGROUND_SEMI_SPACE_MB: "32", PLAYGROUND_HEAP_GROWING_PERCENT: "50" });
    expect(probe.code).toBe(0);
    expect(probe.lines).toHaveLength(1);
    expect(probe.lines[0]?.execArgv).toEqual(["--single-threaded-gc", "--max-semi-space-size=32", "--heap-growing-percent=50"]);
  });

  it("keeps V8's own sizing with both settings at 0, and what the process was started with", async () => {
    const own = await runProbe(false, undefined, { PLAYGROUND_SEMI_SPACE_MB: "0", PLAYGROUND_HEAP_GROWING_PERCENT: "0" });
    expect(own.lines[0]?.execArgv).toEqual([]);
    const given = await runProbe(false, undefined, { PLAYGROUND_HEAP_GROWING_PERCENT: "0" }, ["--max-semi-space-size=16"]);
    expect(given.lines[0]?.execArgv).toEqual(["--max-semi-space-size=16"]);
    const inOptions = await runProbe(false, undefined, { NODE_OPTIONS: "--max-semi-space-size=16" });
    expect(inOptions.lines[0]?.execArgv).toEqual(["--heap-growing-percent=100"]);
  });

  it("refuses to start with a PLAYGROUND_SEMI_SPACE_MB that is not a size, saying which values it takes", async () => {
    const probe = await runProbe(false, undefined, { PLAYGROUND_SEMI_SPACE_MB: "lots" });
    expect(probe.code).not.toBe(0);
    expect(probe.lines).toHaveLength(0);
    expect(probe.stderr).toContain('PLAYGROUND_SEMI_SPACE_MB must be a whole number of MB from 0 (V8\'s own choice) to 1024, not "lots".');
  });
});
