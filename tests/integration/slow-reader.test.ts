// The slow-reader attack of issue 19: receivers open long-polling sessions and never read them, keeping
// them alive with blind pongs ("3"), while a sender broadcasts 60 KB events at 40/s, under the rate limit.
// Without a cap on each connection's outgoing queue the host buffers every broadcast for every receiver
// until it runs out of memory. The host runs as a child process with a 256 MB heap, as a small server would.
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Socket } from "socket.io-client";
import type { LabInfo } from "../../src/shared/lab-api.js";
import { connectClient, createLab, nextEvent } from "../support/server.js";

const LABS = 3;
const RECEIVERS_PER_LAB = 3;
const EVENT_BYTES = 60 * 1024;
const EVENTS_PER_SECOND = 40;
const ATTACK_MS = 12_000;

let host: ChildProcess;
let origin: string;
let exited: { code: number | null; signal: string | null } | undefined;

beforeAll(async () => {
  host = fork(inject("playgroundEntry"), [], {
    execArgv: ["--max-old-space-size=256"],
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", PLAYGROUND_DATA_DIR: mkdtempSync(join(tmpdir(), "playground-slow-reader-")) },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  host.once("exit", (code, signal) => (exited = { code, signal }));
  const [ready] = await nextEvent<[{ origin: string }]>(host, "message", 15_000);
  origin = ready.origin;
});

afterAll(async () => {
  if (host.exitCode !== null || host.signalCode !== null) return;
  const gone = new Promise((resolve) => host.once("exit", resolve));
  host.kill("SIGTERM");
  await gone;
});

async function hostRss(): Promise<number> {
  const answer = nextEvent<[{ type: string; rss: number }]>(host, "message", 5000);
  host.send({ type: "memory" });
  return (await answer)[0].rss;
}

/**
 * A receiver that never polls: it opens a session, joins the namespace, then only ever POSTs blind pongs.
 * When the server has closed its session it opens a new one, as an attacker would.
 */
function slowReader(lab: LabInfo, name: string, signal: AbortSignal): Promise<void> {
  const base = `${origin}${lab.path}/?EIO=4&transport=polling&client=${name}`;
  const post = (sid: string, body: string) =>
    fetch(`${base}&sid=${sid}`, { method: "POST", body, headers: { "content-type": "text/plain;charset=UTF-8" }, signal });
  const open = async (): Promise<string> => {
    const handshake = await fetch(base, { signal });
    const { sid } = JSON.parse((await handshake.text()).slice(1)) as { sid: string };
    await (await post(sid, "40")).text();
    return sid;
  };
  return (async () => {
    try {
      let sid = await open();
      while (!signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const pong = await post(sid, "3");
        await pong.text();
        if (pong.status !== 200) sid = await open();
      }
    } catch {
      // Aborted at the end of the attack.
    }
  })();
}

describe("the slow-reader attack", () => {
  it("leaves the host's RSS within 100 MB of its start, and the host up with a 256 MB heap", { timeout: 60_000 }, async () => {
    const labs: LabInfo[] = [];
    for (let n = 0; n < LABS; n++) labs.push(await createLab(origin, "emit"));
    const start = await hostRss();
    const attack = new AbortController();
    const readers = labs.flatMap((lab) =>
      Array.from({ length: RECEIVERS_PER_LAB }, (_, r) => slowReader(lab, `Reader${r}`, attack.signal)),
    );
    const senders: Socket[] = [];
    for (const lab of labs) senders.push(await connectClient(origin, lab, "Sender"));
    const payload = "x".repeat(EVENT_BYTES);
    const sending = setInterval(() => {
      for (const sender of senders) if (sender.connected) sender.emit("blob", payload);
    }, 1000 / EVENTS_PER_SECOND);
    let peak = start;
    const began = Date.now();
    try {
      while (Date.now() - began < ATTACK_MS && !exited) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (!exited) peak = Math.max(peak, await hostRss());
      }
    } finally {
      clearInterval(sending);
      attack.abort();
      for (const sender of senders) sender.disconnect();
      await Promise.all(readers);
    }
    console.log(`slow reader: host RSS ${Math.round(start / 1e6)} MB at start, peak ${Math.round(peak / 1e6)} MB`);
    expect(exited).toBeUndefined();
    expect(peak - start).toBeLessThan(100 * 1024 * 1024);
    const health = await fetch(`${origin}/api/health`);
    expect(health.status).toBe(200);
  });
});
