import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { LabInfo } from "../../src/shared/lab-api.js";
import type { ServerLogEntry } from "../../src/shared/server-log.js";
import { connectClient, createLab, nextEvent, startServer, waitForLogEntry } from "../support/server.js";

/**
 * Hostile server code: each attempt to reach the host, exhaust it or outlive a limit stays in its sandbox.
 * After each, the host still answers (GET /api/health) and another lab, running natively, still acks.
 */

const CALL_MS = 50;
let running: RunningPlayground;
let witness: Socket;

beforeAll(async () => {
  running = await startServer({
    memoryMb: 24,
    callMs: CALL_MS,
    maxTimers: 5,
    logLinesPerSecond: 20,
    databaseRows: 30,
    databaseBytes: 64 * 1024,
    maxCodeBytes: 16 * 1024,
  });
  witness = await connectClient(running.origin, await createLab(running.origin, "acks"), "Witness");
});
afterAll(async () => {
  witness.disconnect();
  await running.close();
});

/** The round trip of an ack on a native lab, in ms. */
async function witnessLatency(): Promise<number> {
  const started = performance.now();
  expect(await witness.timeout(2000).emitWithAck("add", 20, 22)).toBe(42);
  return performance.now() - started;
}

async function expectHostResponsive(): Promise<void> {
  const health = await fetch(`${running.origin}/api/health`);
  expect(health.status).toBe(200);
  expect(await witnessLatency()).toBeLessThan(500);
}

async function putCode(lab: LabInfo, code: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${running.origin}/api/labs/${lab.id}/server-code`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Learner code on a lab: `body` runs inside `io.on("connection", (socket) => …)`, beside an `alive` probe. */
function onConnection(body: string, top = ""): string {
  return `${top}
export default (io, lab) => {
  io.on("connection", (socket) => {
    socket.on("alive", (ack) => ack("alive"));
${body}
  });
};
`;
}

async function learnerLab(code: string, lesson = "emit"): Promise<{ lab: LabInfo; client: Socket }> {
  const lab = await createLab(running.origin, lesson);
  const put = await putCode(lab, code);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const client = await connectClient(running.origin, lab, "Mallory");
  return { lab, client };
}

function logLine(lab: LabInfo, test: (message: string) => boolean, ms = 5000): Promise<string> {
  return waitForLogEntry(running.origin, lab, (e: ServerLogEntry) => e.kind === "log" && test(e.message), ms).then((e) =>
    e.kind === "log" ? e.message : "",
  );
}

async function serverCodeOf(lab: LabInfo): Promise<LabInfo["serverCode"]> {
  return ((await (await fetch(`${running.origin}/api/labs/${lab.id}`)).json()) as LabInfo).serverCode;
}

/** The code was stopped by `limit`, the log says so, and the lab runs the lesson's code again. */
async function expectStopped(lab: LabInfo, limit: string): Promise<string> {
  const message = await logLine(lab, (m) => m.startsWith("Your server code was stopped"));
  expect(message).toContain(limit);
  await expect.poll(() => serverCodeOf(lab)).toBe("lesson");
  return message;
}

/** Attempts run inside the sandbox; each answers what it got, or what it threw. */
const ATTEMPT = `const attempt = (fn) => { try { const v = fn(); return typeof v === "function" ? "a function" : String(v); } catch (e) { return "threw: " + (e && e.message); } };`;

describe("learner server code cannot reach the host", () => {
  it("this.constructor.constructor, Function and eval run, but only see the sandbox", async () => {
    const { client } = await learnerLab(
      onConnection(
        `socket.on("probe", function (ack) {
          ack([
            attempt(() => this.constructor.constructor("return process")()),
            attempt(() => ack.constructor("return typeof process")()),
            attempt(() => Function("return 6 * 7")()),
            attempt(() => eval("typeof globalThis.require === 'function' && require('fs')")),
            attempt(() => new Function("return this")() === globalThis),
            attempt(() => eval("(0, eval)('1 + 1')")),
          ]);
        });`,
        ATTEMPT,
      ),
    );
    const [fromThis, fromAck, fn, evaled, global, indirect] = (await client.timeout(2000).emitWithAck("probe")) as string[];
    expect(fromThis).toMatch(/threw: process is not available in the lab/);
    expect(fromAck).toMatch(/threw: process is not available in the lab/);
    expect(fn).toBe("42");
    expect(evaled).toMatch(/threw: require\("fs"\) is not available in the lab/);
    expect(global).toBe("true");
    expect(indirect).toBe("2");
    client.disconnect();
    await expectHostResponsive();
  });

  it("dynamic import() fails with a clear error", async () => {
    const { lab, client } = await learnerLab(
      onConnection(`socket.on("probe", async (name, ack) => {
        const results = [];
        for (const load of [() => import("node:fs"), () => import(name)]) {
          try { await load(); results.push("loaded"); } catch (e) { results.push(String(e && e.message)); }
        }
        ack(results);
      });`),
    );
    const [literal, computed] = (await client.timeout(2000).emitWithAck("probe", "node:child_process")) as string[];
    expect(literal).toMatch(/not available in the lab/);
    expect(computed).toMatch(/not available in the lab/);
    expect(await serverCodeOf(lab)).toBe("learner");
    client.disconnect();
  });

  it("a walk of everything reachable from globalThis finds no host function", async () => {
    const { client } = await learnerLab(
      onConnection(`socket.on("walk", (root, ack) => {
        const seen = new Set();
        const suspicious = [];
        let visited = 0;
        const walk = (value, path, depth) => {
          if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value) || depth > 4) return;
          seen.add(value);
          visited += 1;
          for (const key of Reflect.ownKeys(value)) {
            let child;
            try { child = value[key]; } catch { continue; }
            const name = String(key);
            if (/^(host|channel|take|put|require|process|Buffer|module|global)$/.test(name)) {
              let works = false;
              try { if (typeof child === "function") { child("fs"); works = true; } else if (child !== undefined) works = true; } catch {}
              if (works) suspicious.push(path + "." + name);
            }
            walk(child, path + "." + name, depth + 1);
          }
          walk(Object.getPrototypeOf(value), path + ".__proto__", depth + 1);
        };
        // One root per call, so that each stays well within the CPU limit on a busy host.
        const roots = { globalThis, socket, io, lab };
        walk(roots[root], root, 0);
        ack({ visited, suspicious });
      });`),
    );
    let visited = 0;
    for (const root of ["globalThis", "socket", "io", "lab"]) {
      const walked = (await client.timeout(3000).emitWithAck("walk", root)) as { visited: number; suspicious: string[] };
      expect(walked.suspicious, root).toEqual([]);
      visited += walked.visited;
    }
    expect(visited).toBeGreaterThan(100);
    client.disconnect();
  });

  it("prototype pollution inside stays inside: the host and other labs are unaffected", async () => {
    const { client } = await learnerLab(
      onConnection(`socket.on("pollute", (payload, ack) => {
        Object.prototype.polluted = "yes";
        Array.prototype.polluted = "yes";
        Object.getPrototypeOf(payload).isAdmin = true;
        JSON.parse = () => ({ hacked: true });
        ack({ inside: ({}).polluted, payload });
      });`),
    );
    const answer = (await client.timeout(2000).emitWithAck("pollute", { a: 1 })) as Record<string, unknown>;
    expect(answer).toEqual({ inside: "yes", payload: { a: 1 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(JSON.parse('{"a":1}')).toEqual({ a: 1 });
    // The sandbox still works after its own JSON.parse was replaced: the runtime kept its own.
    expect(await client.timeout(2000).emitWithAck("alive")).toBe("alive");
    const other = await learnerLab(onConnection(`socket.on("check", (ack) => ack([({}).polluted ?? null, [].polluted ?? null]));`));
    expect(await other.client.timeout(2000).emitWithAck("check")).toEqual([null, null]);
    client.disconnect();
    other.client.disconnect();
    await expectHostResponsive();
  });

  it("functions never cross: an ack's value keeps no function, and the ack itself is a sandbox function", async () => {
    const { client } = await learnerLab(
      onConnection(
        `socket.on("leak", (ack) => {
          ack({ fn: () => 1, list: [() => 2, 3], self: String(typeof ack) }, attempt(() => ack.constructor("return typeof require('fs')")()));
        });
        socket.on("ask", () => socket.emit("question", (reply) => socket.emit("got", typeof reply, attempt(() => reply.constructor.constructor("return process")()))));`,
        ATTEMPT,
      ),
    );
    const leaked = await new Promise((resolve) => client.emit("leak", (...args: unknown[]) => resolve(args)));
    expect(leaked).toEqual([{ list: [null, 3], self: "function" }, expect.stringMatching(/not available in the lab/)]);
    client.on("question", (answer: (reply: unknown) => void) => answer({ a: 1 }));
    const got = nextEvent(client, "got");
    client.emit("ask");
    expect(await got).toEqual(["object", expect.stringMatching(/process is not available in the lab/)]);
    client.disconnect();
  });

  it("Atomics.wait and SharedArrayBuffer cannot block the host", async () => {
    const { lab, client } = await learnerLab(
      onConnection(
        `socket.on("block", (ack) => {
          ack([
            attempt(() => typeof SharedArrayBuffer),
            attempt(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)),
            attempt(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000)),
          ]);
        });`,
        ATTEMPT,
      ),
    );
    const started = performance.now();
    const answer = (await client.timeout(3000).emitWithAck("block")) as string[];
    expect(performance.now() - started).toBeLessThan(1000);
    expect(answer.slice(1).every((result) => result.startsWith("threw"))).toBe(true);
    await expectHostResponsive();
    // Either refused (and the code carries on) or interrupted like a spin: never a blocked host.
    expect(["learner", "lesson"]).toContain(await serverCodeOf(lab));
    client.disconnect();
  });
});

describe("learner server code that exhausts a limit is stopped, and the host carries on", () => {
  it("an allocation bomb hits the memory limit: the code stops, the lab goes back to the lesson's code, RSS stays bounded", async () => {
    const before = process.memoryUsage().rss;
    const { lab, client } = await learnerLab(
      onConnection(`socket.on("bomb", () => { const all = []; while (true) all.push(new Array(100000).fill("x" + all.length)); });`),
    );
    client.emit("bomb");
    expect(await expectStopped(lab, "memory")).toContain("used more than 24 MB");
    const grown = (process.memoryUsage().rss - before) / 2 ** 20;
    console.log(`RSS grew by ${grown.toFixed(1)} MB across the allocation bomb`);
    expect(grown).toBeLessThan(200);
    client.disconnect();
    await expectHostResponsive();
  });

  it("deep recursion is a stack overflow in the log, and the lab carries on", async () => {
    const { lab, client } = await learnerLab(
      onConnection(`socket.on("recurse", () => { const down = (n) => down(n + 1) + 1; down(0); });`),
    );
    client.emit("recurse");
    expect(await logLine(lab, (m) => m.startsWith("error in"))).toMatch(/stack overflow/i);
    expect(await client.timeout(2000).emitWithAck("alive")).toBe("alive");
    expect(await serverCodeOf(lab)).toBe("learner");
    client.disconnect();
  });

  const spins: [string, string, (client: Socket) => void][] = [
    ["a handler", `socket.on("spin", () => { while (true) {} });`, (client) => client.emit("spin")],
    ["a catastrophic regex", `socket.on("spin", () => /(a+)+$/.test("a".repeat(40) + "b"));`, (client) => client.emit("spin")],
    ["a timer", `socket.on("spin", () => setTimeout(() => { while (true) {} }, 0));`, (client) => client.emit("spin")],
    [
      "an ack callback",
      `socket.on("spin", () => socket.emit("question", () => { while (true) {} }));`,
      (client) => {
        client.on("question", (answer: () => void) => answer());
        client.emit("spin");
      },
    ],
  ];
  for (const [where, body, trigger] of spins) {
    it(`a spin in ${where} is stopped by the CPU limit, while another lab's acks stay prompt`, async () => {
      const { lab, client } = await learnerLab(onConnection(body), "emit");
      const stopped = expectStopped(lab, "cpu-per-call");
      trigger(client);
      const latencies = [await witnessLatency(), await witnessLatency()];
      await stopped;
      latencies.push(await witnessLatency());
      console.log(`witness ack latency while ${where} spun: ${latencies.map((ms) => ms.toFixed(1)).join(", ")} ms`);
      expect(Math.max(...latencies)).toBeLessThan(CALL_MS + 450);
      client.disconnect();
      await expectHostResponsive();
    });
  }
});

describe("learner server code cannot grow the host's own memory without bound", () => {
  it("a chain of promise jobs or a loop of host calls is stopped like a spin", async () => {
    for (const body of [
      `socket.on("spin", () => { const again = () => Promise.resolve().then(again); again(); });`,
      `socket.on("spin", async () => { while (true) await null; });`,
      `socket.on("spin", () => { while (true) socket.rooms; });`,
      `socket.on("spin", () => { while (true) console.log("flood"); });`,
    ]) {
      const { lab, client } = await learnerLab(onConnection(body));
      const stopped = expectStopped(lab, "cpu-per-call").catch((error: unknown) => {
        throw new Error(`not stopped: ${body}`, { cause: error });
      });
      client.emit("spin");
      await stopped;
      client.disconnect();
    }
    await expectHostResponsive();
  });

  it("listeners, middlewares, routes and rooms the code registers in the host are capped", async () => {
    const { lab, client } = await learnerLab(
      onConnection(
        `socket.on("grow", (what, ack) => {
          let made = 0;
          const grow = {
            listeners: () => io.on("custom " + made, () => {}),
            sameListener: () => io.on("custom 0", () => {}),
            middlewares: () => io.use((s, next) => next()),
            routes: () => lab.get("/r" + made, (req, res) => res.end("")),
          }[what];
          ack(attempt(() => { for (; made < 2000; made++) grow(); return made; }));
        });
        let batch = 0;
        socket.on("rooms", (ack) => {
          batch += 1;
          ack(attempt(() => socket.join(Array.from({ length: 100 }, (_, i) => "room " + batch + "-" + i))));
        });
        socket.on("room count", (ack) => ack(socket.rooms.size));`,
        ATTEMPT,
      ),
    );
    // Rooms are held by the lab's own cap on the real socket.join, as for the lesson's code: past it a join is skipped.
    for (let batch = 0; batch < 5; batch++) expect(await client.timeout(2000).emitWithAck("rooms")).toBe("undefined");
    expect(await client.timeout(2000).emitWithAck("room count")).toBeLessThanOrEqual(101);
    for (const what of ["listeners", "middlewares", "routes"]) {
      const answer = await client
        .timeout(3000)
        .emitWithAck("grow", what)
        .catch(async (error: unknown) => {
          throw new Error(`${what}: ${await logLine(lab, (m) => m.startsWith("Your server code was stopped"), 500)}`, { cause: error });
        });
      expect(answer, what).toMatch(/^threw: At most \d+ .* in the lab/);
    }
    // The same event again registers nothing more in the host, so it is not capped.
    expect(await client.timeout(3000).emitWithAck("grow", "sameListener")).toBe("2000");
    expect(await client.timeout(2000).emitWithAck("alive")).toBe("alive");
    expect(await serverCodeOf(lab)).toBe("learner");
    client.disconnect();
  });
});

describe("what the lab does not offer says so in the server log", () => {
  it('require("fs") and import fs from "node:fs" at the top level refuse to start, naming the lab', async () => {
    for (const top of [`const fs = require("fs");`, `import fs from "node:fs"; fs.readFileSync("/etc/passwd");`]) {
      const lab = await createLab(running.origin, "emit");
      const put = await putCode(lab, onConnection("", top));
      expect(put.status).toBe(400);
      expect(JSON.stringify(put.body)).toMatch(/not available in the lab/);
      expect(await logLine(lab, (m) => m.startsWith("Your server code failed to start"))).toMatch(/not available in the lab/);
    }
  });

  it("require, process and Buffer inside a handler are errors in the log, and the lab carries on", async () => {
    const { lab, client } = await learnerLab(
      onConnection(`
        socket.on("fs", () => require("fs").readFileSync("/etc/passwd"));
        socket.on("process", () => process.exit(1));
        socket.on("buffer", () => Buffer.from("x"));`),
    );
    for (const [event, what] of [
      ["fs", 'require("fs")'],
      ["process", "process"],
      ["buffer", "Buffer"],
    ]) {
      const logged = logLine(lab, (m) => m.startsWith(`error in socket.on("${event}")`));
      client.emit(event as string);
      expect(await logged).toContain(`${what} is not available in the lab`);
    }
    expect(await client.timeout(2000).emitWithAck("alive")).toBe("alive");
    client.disconnect();
  });

  it("too many timers is a clear error", async () => {
    const { client } = await learnerLab(
      onConnection(
        `socket.on("timers", (ack) => { const made = []; ack(attempt(() => { for (let i = 0; i < 10; i++) made.push(setTimeout(() => {}, 60_000)); })); made.forEach(clearTimeout); });`,
        ATTEMPT,
      ),
    );
    expect(await client.timeout(2000).emitWithAck("timers")).toMatch(/threw: At most 5 timers may be pending at once in the lab/);
    expect(await client.timeout(2000).emitWithAck("timers")).toMatch(/threw: At most 5 timers/);
    client.disconnect();
  });

  it("a log flood is cut, and the lines dropped are counted", async () => {
    const { lab, client } = await learnerLab(
      onConnection(`socket.on("flood", () => { for (let i = 0; i < 500; i++) console.log("flood " + i); });`),
    );
    const counted = logLine(lab, (m) => /more lines dropped/.test(m), 4000);
    client.emit("flood");
    expect(await counted).toMatch(/^\(480 more lines dropped: at most 20 a second\)$/);
    expect(await client.timeout(2000).emitWithAck("alive")).toBe("alive");
    client.disconnect();
  });

  it("code over the size cap is refused with 413", async () => {
    const lab = await createLab(running.origin, "emit");
    const put = await putCode(lab, onConnection(`// ${"x".repeat(17 * 1024)}`));
    expect(put.status).toBe(413);
    expect(await serverCodeOf(lab)).toBe("lesson");
  });
});

describe("the lab's database holds its caps against learner SQL", () => {
  const SQL = `
    socket.on("sql", async (sql, ack) => { try { await lab.database().exec(sql); ack("ok"); } catch (e) { ack("refused: " + e.message); } });
    socket.on("insert", async (count, size, ack) => {
      const db = lab.database();
      await db.exec("CREATE TABLE IF NOT EXISTS junk (v TEXT)");
      let done = 0;
      try { for (; done < count; done++) await db.run("INSERT INTO junk (v) VALUES (?)", "x".repeat(size)); ack({ done }); } catch (e) { ack({ done, error: e.message, code: e.code ?? null }); }
    });`;

  it("rows past the cap are undone, with the code ERR_LAB_DATABASE_FULL", async () => {
    const { client } = await learnerLab(onConnection(SQL), "retries");
    const result = (await client.timeout(3000).emitWithAck("insert", 100, 1)) as { done: number; error?: string; code?: string };
    expect(result.done).toBeLessThanOrEqual(30);
    expect(result.error).toMatch(/at most 30 rows/);
    expect(result.code).toBe("ERR_LAB_DATABASE_FULL");
    client.disconnect();
  });

  it("bytes past the cap are refused by SQLite", async () => {
    const { client } = await learnerLab(onConnection(SQL), "retries");
    const result = (await client.timeout(3000).emitWithAck("insert", 25, 8000)) as { done: number; error?: string };
    expect(result.error).toMatch(/full/i);
    expect(result.done).toBeLessThan(25);
    client.disconnect();
  });

  it("a cross join that would block the host is refused, and so are SELECTs in exec() and triggers", async () => {
    const { client } = await learnerLab(
      onConnection(
        `${SQL}
        socket.on("query", (sql, ack) => lab.database().get(sql).then((row) => ack(String(row.n)), (e) => ack("threw: " + e.message)));`,
        ATTEMPT,
      ),
      "retries",
    );
    await client.timeout(3000).emitWithAck("insert", 20, 1);
    expect(await client.timeout(2000).emitWithAck("query", "SELECT count(*) AS n FROM junk a, junk b")).toBe("400");
    const started = performance.now();
    expect(
      await client.timeout(2000).emitWithAck("query", "SELECT count(*) AS n FROM junk a, junk b, junk c, junk d, junk e, junk f"),
    ).toMatch(/threw: A query may scan at most 2 tables in full in the lab \(this one scans 6\)/);
    expect(performance.now() - started).toBeLessThan(500);
    expect(await client.timeout(2000).emitWithAck("sql", "SELECT count(*) FROM junk a, junk b, junk c, junk d, junk e, junk f")).toMatch(
      /^refused/,
    );
    expect(await client.timeout(2000).emitWithAck("sql", "CREATE TRIGGER t AFTER INSERT ON junk BEGIN SELECT 1; END")).toMatch(/^refused/);
    client.disconnect();
    await expectHostResponsive();
  });

  it("ATTACH and PRAGMA are refused", async () => {
    const { client } = await learnerLab(onConnection(SQL), "retries");
    expect(await client.timeout(2000).emitWithAck("sql", "ATTACH DATABASE '/tmp/evil.db' AS evil")).toMatch(/^refused/);
    expect(await client.timeout(2000).emitWithAck("sql", "PRAGMA max_page_count = 1000000")).toMatch(/^refused/);
    expect(await client.timeout(2000).emitWithAck("sql", "PRAGMA writable_schema = 1")).toMatch(/^refused/);
    expect(await client.timeout(2000).emitWithAck("sql", "CREATE TABLE fine (v TEXT)")).toBe("ok");
    client.disconnect();
  });
});
