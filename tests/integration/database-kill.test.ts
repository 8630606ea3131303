import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { processAlive } from "../../src/server/database/data-folder.js";
import { connectClient, createLab, nextEvent } from "../support/server.js";

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** A whole playground process (the production listen(), bundled), on the given data directory. */
async function startHost(dataDir: string): Promise<{ child: ChildProcess; origin: string }> {
  const child = fork(inject("playgroundEntry"), [], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", PLAYGROUND_DATA_DIR: dataDir },
    execArgv: [],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  started.push(child);
  const [ready] = await nextEvent<[{ origin: string }]>(child, "message", 20_000);
  return { child, origin: ready.origin };
}

/** The processes a process started, from Linux's /proc. */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe.runIf(process.platform === "linux")("a host killed with kill -9", () => {
  it("takes its database process with it, and the next host on the data directory removes the files it left", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "playground-killed-"));
    const first = await startHost(dataDir);
    const lab = await createLab(first.origin, "retries");
    const client = await connectClient(first.origin, lab, "Alice");
    expect(await client.timeout(10_000).emitWithAck("message", { id: "kept", text: "before the kill" })).toEqual({
      stored: true,
      duplicate: false,
    });
    client.disconnect();

    const folder = `proc-${first.child.pid}-`;
    const left = readdirSync(dataDir).filter((name) => name.startsWith(folder));
    expect(left).toHaveLength(1);
    expect(readdirSync(join(dataDir, left[0]!))).toContain(`lab-${lab.id}.sqlite`);
    const databaseProcesses = childrenOf(first.child.pid!);
    expect(databaseProcesses).toHaveLength(1);

    first.child.kill("SIGKILL");
    await nextEvent(first.child, "exit", 10_000);
    // Its IPC channel closed with it, and so does the database process, with its connections.
    expect(await until(() => !processAlive(databaseProcesses[0]!), 10_000)).toBe(true);
    expect(existsSync(join(dataDir, left[0]!))).toBe(true);

    const second = await startHost(dataDir);
    expect(existsSync(join(dataDir, left[0]!))).toBe(false);
    second.child.kill("SIGTERM");
    await nextEvent(second.child, "exit", 10_000);
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);
});
