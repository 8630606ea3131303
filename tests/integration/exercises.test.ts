import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ts from "typescript";
import * as socketIoClient from "socket.io-client";
import { ExerciseRun } from "../../src/client/code/exercise-run.js";
import { evaluate, labIo, type RunLab } from "../../src/client/code/run-module.js";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { Exercise, Verdict } from "../../src/shared/exercise.js";
import { createLab, fault, followLog, startServer } from "../support/server.js";

let running: RunningPlayground;
// Ending a run closes its sockets, which rejects any emitWithAck still waiting: expected, as Stop does it too.
const stoppedMidRequest = (reason: unknown) => {
  if (!(reason instanceof Error && reason.message === "socket has been disconnected")) throw reason;
};
beforeAll(async () => {
  running = await startServer();
  process.on("unhandledRejection", stoppedMidRequest);
});
afterAll(async () => {
  process.off("unhandledRejection", stoppedMidRequest);
  await running.close();
});

const LESSONS = ["why-websocket", "emit", "acks", "rooms", "recovery", "retries", "transports"];

/** The same compile the editor does: TypeScript to CommonJS, type errors or not. */
function compile(source: string): string {
  return ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
}

/** Runs a lesson's starter or solution against a fresh lab, as the playground runs it, and returns the final verdict. */
async function runExercise(slug: string, file: "starter" | "solution", waitMs?: number): Promise<{ verdict: Verdict; output: string[] }> {
  const { exercise } = (await import(`../../src/lessons/${slug}/exercise.ts`)) as { exercise: Exercise };
  const lab = await createLab(running.origin, slug);
  const ticket = (await fault(running.origin, lab, "/runs", "POST")) as { ticket: string; client: string };
  const runLab: RunLab = { url: running.origin, options: { path: lab.path, query: { client: ticket.client, ticket: ticket.ticket } } };
  const output: string[] = [];
  const log = (...args: unknown[]) => output.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
  const opened: { close(): unknown }[] = [];
  let stopFollowing = () => {};
  const verdict = await new Promise<Verdict>((resolve) => {
    const judged = new ExerciseRun(
      { ...exercise, withinMs: waitMs ?? exercise.withinMs },
      {
        setLink: (change) => fault(running.origin, lab, `/clients/${ticket.client}/link`, "PUT", change),
        drop: () => fault(running.origin, lab, `/clients/${ticket.client}/drop`, "POST"),
        onVerdict: (verdict, final) => final && resolve(verdict),
      },
    );
    void judged.start().then(() => {
      stopFollowing = followLog(running.origin, lab, (entry) => judged.add(entry));
      const source = readFileSync(new URL(`../../src/lessons/${slug}/${file}.ts`, import.meta.url), "utf8");
      evaluate(compile(source), {
        require: (name) => (name === "socket.io-client" ? { ...socketIoClient, io: labIo(socketIoClient.io, runLab, opened) } : {}),
        console: { log, info: log, warn: log, error: log, debug: log },
        lab: runLab,
      });
    });
  });
  stopFollowing();
  for (const socket of opened) socket.close();
  return { verdict, output };
}

describe("each lesson's code exercise, judged from what the lab server observed", () => {
  for (const slug of LESSONS) {
    it(`passes the ${slug} solution`, async () => {
      const { verdict, output } = await runExercise(slug, "solution");
      expect(verdict, `evidence: ${verdict.evidence.join(" | ")}; output: ${output.join(" | ")}`).toMatchObject({ pass: true });
      expect(verdict.evidence.length).toBeGreaterThan(0);
    }, 60_000);

    it(`fails the ${slug} starter, with evidence`, async () => {
      // Long enough to see the starter fail for the right reason: past the retries exercise's blackhole.
      const { verdict } = await runExercise(slug, "starter", slug === "retries" ? 15_000 : 6000);
      expect(verdict.pass, `evidence: ${verdict.evidence.join(" | ")}`).toBe(false);
      expect(verdict.evidence.length).toBeGreaterThan(0);
    }, 30_000);
  }
});
