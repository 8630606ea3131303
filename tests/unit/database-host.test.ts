import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseHost, type DatabaseCall } from "../../src/server/database/database-host.js";

const dir = mkdtempSync(join(tmpdir(), "playground-database-host-"));
const limits = { rows: 10_000, bytes: 4 * 1024 * 1024, answerBytes: 1024 * 1024 };
const query = (file: string, op: "exec" | "run" | "get" | "all", sql: string, ...params: (string | number | null)[]): DatabaseCall => ({
  op,
  file: join(dir, file),
  kind: "lesson",
  limits,
  sql,
  params,
});
/** Counts to a billion: seconds of SQLite's own C code, which nothing inside the process can interrupt. */
const SLOW = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000000000) SELECT count(*) AS n FROM c";

/** The longest the event loop was held while `during` ran, sampled every 5 ms. */
async function longestStall<T>(during: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const sampler = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last - 5);
    last = now;
  }, 5);
  try {
    return { value: await during(), stallMs };
  } finally {
    clearInterval(sampler);
  }
}

let host: DatabaseHost | undefined;
afterEach(() => host?.close());

describe("the database process", () => {
  it("stops a query past the time limit with a clear error, and runs the other labs' waiting queries on a fresh process", async () => {
    host = new DatabaseHost({ queryMs: 300, queuePerLab: 100, queueBytesPerLab: 1 << 20, queueBytes: 16 << 20 });
    await host.request("b", query("b.sqlite", "exec", "CREATE TABLE IF NOT EXISTS t (v TEXT)"));
    const started = performance.now();
    const { value, stallMs } = await longestStall(async () => {
      const slow = host!.request("a", query("a.sqlite", "get", SLOW)).then(
        () => "answered",
        (error: Error & { code?: string }) => `${error.code}: ${error.message}`,
      );
      // Queued behind the slow query: they have not started when it is stopped, so none may be lost.
      const others = [1, 2, 3].map((n) => host!.request("b", query("b.sqlite", "run", "INSERT INTO t (v) VALUES (?)", `row ${n}`)));
      const count = host!.request("b", query("b.sqlite", "get", "SELECT count(*) AS n FROM t"));
      return { slow: await slow, inserted: await Promise.all(others), count: await count };
    });
    expect(value.slow).toBe("ERR_LAB_DATABASE_TIMEOUT: The query ran past 300 ms and was stopped.");
    expect(value.inserted.map((result) => (result as { changes: number }).changes)).toEqual([1, 1, 1]);
    expect(value.count).toEqual({ n: 3 });
    // The kill and the fresh process's start (slow on a loaded machine), not the billion steps (minutes).
    expect(performance.now() - started).toBeLessThan(10_000);
    // Never the query's seconds: at most the fork of the fresh process, a few ms (more on a loaded machine).
    expect(stallMs).toBeLessThan(250);
  });

  it("pauses a lab whose query overran, so code that overruns in a loop cannot take the database from the others", async () => {
    host = new DatabaseHost({ queryMs: 200, queuePerLab: 100, queueBytesPerLab: 1 << 20, queueBytes: 16 << 20 });
    const slow = host.request("a", query("a.sqlite", "get", SLOW)).catch((e: Error & { code?: string }) => e.code);
    const waiting = host.request("a", query("a.sqlite", "get", "SELECT 1 AS one")).catch((e: Error & { code?: string }) => e.code);
    expect(await slow).toBe("ERR_LAB_DATABASE_TIMEOUT");
    expect(await waiting).toBe("ERR_LAB_DATABASE_PAUSED");
    const again = (await host.request("a", query("a.sqlite", "get", SLOW)).catch((e: unknown) => e)) as Error & { code?: string };
    expect(again.code).toBe("ERR_LAB_DATABASE_PAUSED");
    expect(again.message).toMatch(/^This lab's database is paused for [12] s more: one of its queries ran past 200 ms\.$/);
    // Another lab is not paused; and closing the paused lab's connections still works.
    expect(await host.request("b", query("b.sqlite", "get", "SELECT 1 AS one"))).toEqual({ one: 1 });
    await expect(host.request("a", { op: "close", file: join(dir, "a.sqlite") })).resolves.toBeUndefined();
  });

  it("keeps SQLite's errcode and code on a failed query", async () => {
    host = new DatabaseHost({ queryMs: 2000, queuePerLab: 100, queueBytesPerLab: 1 << 20, queueBytes: 16 << 20 });
    await host.request("c", query("c.sqlite", "exec", "CREATE TABLE IF NOT EXISTS u (id TEXT UNIQUE)"));
    await host.request("c", query("c.sqlite", "run", "INSERT INTO u (id) VALUES (?)", "same"));
    const error = (await host.request("c", query("c.sqlite", "run", "INSERT INTO u (id) VALUES (?)", "same")).catch((e: unknown) => e)) as {
      errcode?: number;
      code?: string;
      message?: string;
    };
    expect(error).toBeInstanceOf(Error);
    expect(error.errcode).toBe(2067);
    expect(error.code).toBe("ERR_SQLITE_ERROR");
    expect(error.message).toMatch(/UNIQUE constraint failed: u\.id/);
  });

  it("serves labs in turn, so one lab's long queue does not hold another's query behind it", async () => {
    host = new DatabaseHost({ queryMs: 2000, queuePerLab: 1000, queueBytesPerLab: 1 << 20, queueBytes: 16 << 20 });
    await host.request("flood", query("flood.sqlite", "exec", "CREATE TABLE IF NOT EXISTS t (v)"));
    const order: string[] = [];
    const flood = Array.from({ length: 200 }, (_, n) =>
      host!.request("flood", query("flood.sqlite", "run", "INSERT INTO t (v) VALUES (?)", n)).then(() => order.push("flood")),
    );
    const other = host.request("quiet", query("quiet.sqlite", "get", "SELECT 1 AS one")).then(() => order.push("quiet"));
    await Promise.all([...flood, other]);
    expect(order.indexOf("quiet")).toBeLessThan(3);
  });

  it("refuses a query past the lab's queue at once, and keeps serving the queue", async () => {
    host = new DatabaseHost({ queryMs: 2000, queuePerLab: 5, queueBytesPerLab: 1 << 20, queueBytes: 16 << 20 });
    const calls = Array.from({ length: 8 }, () =>
      host!.request("d", query("d.sqlite", "get", "SELECT 1 AS one")).then(
        () => "ok",
        (e: Error) => e.message,
      ),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => r === "ok")).toHaveLength(5);
    expect(results.filter((r) => r !== "ok")).toEqual(Array(3).fill("Too many queries are waiting for this lab's database (at most 5)."));
  });

  it("refuses a query past the bytes one lab may have waiting, at once, and the lab's next small query still runs", async () => {
    host = new DatabaseHost({ queryMs: 2000, queuePerLab: 1000, queueBytesPerLab: 100_000, queueBytes: 16 << 20 });
    await host.request("e", query("e.sqlite", "exec", "CREATE TABLE t (x TEXT)"));
    const text = "x".repeat(30_000);
    // Sent in one turn of the event loop: none has left the queue when the next is asked, so the fourth passes 100,000 bytes.
    const calls = Array.from({ length: 6 }, () =>
      host!.request("e", query("e.sqlite", "run", "INSERT INTO t VALUES (?)", text)).then(
        () => "ok",
        (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
      ),
    );
    // The first is sent to the process at once (it no longer waits), so three more fit beside it.
    expect(host.queued.bytes).toBeLessThanOrEqual(100_000);
    const results = await Promise.all(calls);
    expect(results.filter((r) => r === "ok")).toHaveLength(4);
    expect(results.filter((r) => r !== "ok")).toEqual(
      Array(2).fill(
        "ERR_LAB_DATABASE_BUSY: Too much data is waiting for this lab's database (at most 100000 bytes): this query was refused.",
      ),
    );
    expect(host.queued).toEqual({ bytes: 0, peakBytes: expect.any(Number) });
    expect(host.queued.peakBytes).toBeLessThanOrEqual(100_000);
    expect(await host.request("e", query("e.sqlite", "get", "SELECT count(*) AS n FROM t"))).toEqual({ n: 4 });
  });

  it("refuses a query past the bytes every lab together may have waiting, whichever lab asks", async () => {
    host = new DatabaseHost({ queryMs: 2000, queuePerLab: 1000, queueBytesPerLab: 1 << 20, queueBytes: 50_000 });
    await host.request("f", query("f.sqlite", "get", "SELECT 1 AS one"));
    const text = "y".repeat(20_000);
    const calls = ["f", "g", "h", "i"].map((lab) =>
      host!.request(lab, query(`${lab}.sqlite`, "get", "SELECT length(?) AS n", text)).then(
        () => "ok",
        (e: Error) => e.message,
      ),
    );
    const results = await Promise.all(calls);
    // The first leaves for the process at once; two more fit in 50,000 bytes, the fourth does not.
    expect(results).toEqual([
      "ok",
      "ok",
      "ok",
      "Too much data is waiting for the labs' database (at most 50000 bytes in all): this query was refused.",
    ]);
  });

  it("refuses an answer larger than the answer cap with a clear error, rather than cut it short", async () => {
    host = new DatabaseHost({ queryMs: 2000, queuePerLab: 1000, queueBytesPerLab: 1 << 20, queueBytes: 16 << 20 });
    const small = { ...limits, answerBytes: 100_000 };
    const call = (op: "exec" | "run" | "get" | "all", sql: string, ...params: string[]): DatabaseCall => ({
      op,
      file: join(dir, "answer.sqlite"),
      kind: "lesson",
      limits: small,
      sql,
      params,
    });
    await host.request("j", call("exec", "CREATE TABLE t (x TEXT)"));
    for (let n = 0; n < 4; n++) await host.request("j", call("run", "INSERT INTO t VALUES (?)", `${n} ${"z".repeat(30_000)}`));
    expect(await host.request("j", call("all", "SELECT x FROM t LIMIT 3"))).toHaveLength(3);
    const refused = await host.request("j", call("all", "SELECT x FROM t")).catch((error: Error & { code?: string }) => error);
    expect(refused).toMatchObject({
      code: "ERR_LAB_DATABASE_ANSWER_TOO_LARGE",
      message:
        "This query's answer holds more than 100000 bytes, the most one query may return in the lab: select fewer rows or shorter columns.",
    });
    const one = await host
      .request("j", call("get", "SELECT group_concat(x) AS x FROM t"))
      .catch((error: Error & { code?: string }) => error);
    expect(one).toMatchObject({ code: "ERR_LAB_DATABASE_ANSWER_TOO_LARGE" });
  });
});
