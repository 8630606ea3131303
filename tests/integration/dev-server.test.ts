import { spawn, type ChildProcess } from "node:child_process";
import { Script } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io } from "socket.io-client";
import { dyingWithParent, freePort } from "../../scripts/production-server.mjs";
import { DEV_SANDBOX_WORKER_PATH } from "../../src/client/code/sandbox-protocol.js";
import { createLab, nextEvent, testDataDir } from "../support/server.js";

// `npm run dev`: Astro's dev server with the labs attached (astro.config.mjs). A code run's sandbox is an
// opaque origin, so everything it asks for is a cross-site request, which Astro's dev server refuses unless
// the playground answers first, as it does in production.
const CROSS_SITE = { Origin: "null", "Sec-Fetch-Site": "cross-site" };

// --ignore-lock: Astro 7 allows one tracked dev server per project, and a developer's `npm run dev` may be it.
let dev: ChildProcess;

/** This process's environment without vitest's marks: with VITEST set, Astro's dev server serves no pages. */
function devEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "NODE_ENV"));
  return { ...env, ASTRO_TELEMETRY_DISABLED: "1", PLAYGROUND_DATA_DIR: testDataDir };
}

let origin: string;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  dev = spawn(
    ...dyingWithParent(
      [process.execPath, "node_modules/astro/bin/astro.mjs", "dev", "--host", "127.0.0.1", "--port", String(port), "--ignore-lock"],
      "SIGTERM",
    ),
    {
      env: devEnvironment(),
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let output = "";
  dev.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    dev.once("exit", (code) => reject(new Error(`astro dev exited (${code}) before it was ready:\n${output}`))),
  );
  // The stop in afterAll is an exit too: only the race below cares about one.
  exited.catch(() => undefined);
  // Ready when it answers: its console output is not a contract (it turns to JSON when it detects an agent).
  await Promise.race([exited, answering(`${origin}/`, 55_000)]);
}, 60_000);

afterAll(() => {
  dev?.kill("SIGTERM");
});

/** Resolves once `url` answers 200, polling every 200 ms: a dev server starting up refuses connections. */
async function answering(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${ms} ms (last: ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("npm run dev", { timeout: 45_000 }, () => {
  it("runs a lab's database in its process from source, as the build runs it from the bundle", async () => {
    const lab = await createLab(origin, "retries");
    const socket = io(origin, {
      path: lab.path,
      forceNew: true,
      reconnection: false,
      transports: ["websocket"],
      query: { client: "Alice" },
    });
    try {
      await nextEvent(socket, "connect", 10_000);
      // The first message starts the lab's database process, which compiles its TypeScript from source:
      // over 10 s once in a full CI run, on a 2-core machine running the other test files beside it.
      expect(await socket.timeout(25_000).emitWithAck("message", { id: "dev-1", text: "from dev" })).toEqual({
        stored: true,
        duplicate: false,
      });
      expect(await socket.timeout(10_000).emitWithAck("stats")).toMatchObject({ stored: 1, rows: [{ text: "from dev", copies: 1 }] });
    } finally {
      socket.disconnect();
    }
  });

  it("serves the lesson pages and the control API, as production does", async () => {
    expect((await fetch(`${origin}/lessons/emit`)).status).toBe(200);
    const lab = await createLab(origin);
    expect(lab.path).toBe(`/labs/${lab.id}/socket.io`);
  });

  it("serves a code run's worker as a classic script to a cross-site, no-cors request", async () => {
    const response = await fetch(`${origin}${DEV_SANDBOX_WORKER_PATH}`, {
      headers: { ...CROSS_SITE, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "script" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/javascript/);
    const script = await response.text();
    // importScripts runs classic scripts only: one with `import` or `export` in it would not parse here.
    expect(() => new Script(script)).not.toThrow();
    expect(script).toContain("socket.io");
  });

  it("admits a code run's client, whose requests are cross-site with Origin: null, to its lab over polling", async () => {
    const lab = await createLab(origin);
    const tickets = await fetch(`${origin}/api/labs/${lab.id}/runs`, { method: "POST" });
    expect(tickets.status).toBe(201);
    const { ticket, client } = (await tickets.json()) as { ticket: string; client: string };
    const socket = io(origin, {
      path: lab.path,
      forceNew: true,
      reconnection: false,
      transports: ["polling"],
      query: { client, ticket },
      extraHeaders: { ...CROSS_SITE, "Sec-Fetch-Mode": "cors" },
    });
    try {
      await nextEvent(socket, "connect", 10_000);
      expect(await socket.timeout(5000).emitWithAck("hello")).toEqual({ status: "ok" });
    } finally {
      socket.disconnect();
    }
  });
});
