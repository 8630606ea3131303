import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { ServerExercise } from "../../src/shared/server-exercise.js";
import { nodeExerciseLab } from "../support/exercise-lab.js";
import { createLab, startServer } from "../support/server.js";

const modules = import.meta.glob<{ serverExercise: ServerExercise }>("../../src/lessons/*/server-exercise.ts", { eager: true });
const lessons = Object.entries(modules).map(([path, module]) => ({ slug: path.split("/").at(-2) ?? "", exercise: module.serverExercise }));

let running: RunningPlayground;
beforeAll(async () => {
  running = await startServer();
});
afterAll(() => running.close());

function source(slug: string, file: string): string {
  const path = `src/lessons/${slug}/${file}`;
  return readFileSync(existsSync(path) ? path : `src/lessons/${slug}/server.ts`, "utf8");
}

async function judge(slug: string, exercise: ServerExercise, code: string) {
  const lab = await createLab(running.origin, slug);
  const put = await fetch(`${running.origin}/api/labs/${lab.id}/server-code`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  expect(put.status, await put.clone().text()).toBe(200);
  const exerciseLab = nodeExerciseLab(running.origin, lab);
  try {
    return await exercise.check(exerciseLab);
  } finally {
    exerciseLab.close();
  }
}

describe("every lesson's server exercise, judged on the real lab", () => {
  it("exists for every lesson with an in-process lab", () => {
    expect(lessons.map(({ slug }) => slug).sort()).toEqual(["acks", "emit", "recovery", "retries", "rooms", "transports", "why-websocket"]);
  });

  for (const { slug, exercise } of lessons) {
    it(`${slug}: the starter fails with evidence, the solution passes`, { timeout: 40_000 }, async () => {
      const failed = await judge(slug, exercise, source(slug, "server-starter.ts"));
      expect(failed.pass, failed.evidence.join("\n")).toBe(false);
      expect(failed.evidence.length).toBeGreaterThan(0);
      const passed = await judge(slug, exercise, source(slug, "server-solution.ts"));
      expect(passed.pass, passed.evidence.join("\n")).toBe(true);
    });
  }
});
