import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunningPlayground } from "../../src/server/host/listen.js";
import type { ServerExercise } from "../../src/shared/server-exercise.js";
import { createExerciseLab } from "../../src/client/code/exercise-lab.js";
import { LabFeed } from "../../src/client/lab-feed.js";
import { createLab, fault, startServer } from "../support/server.js";
import type { LabInfo } from "../../src/shared/lab-api.js";

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

/** What the learner sets on the page besides the code: the Scaling exercise's adapter. */
const pageChoices: Record<string, (lab: LabInfo) => Promise<unknown>> = {
  scaling: (lab) => fault(running.origin, lab, "/nodes", "PUT", { adapter: "redis-streams" }),
};

async function judge(slug: string, exercise: ServerExercise, code: string, choose = false) {
  let lab = await createLab(running.origin, slug);
  if (choose && pageChoices[slug]) {
    await pageChoices[slug](lab);
    lab = (await (await fetch(`${running.origin}/api/labs/${lab.id}`)).json()) as LabInfo;
  }
  const put = await fetch(`${running.origin}/api/labs/${lab.id}/server-code`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  expect(put.status, await put.clone().text()).toBe(200);
  // The page's own ExerciseLab, fed by the page's own LabFeed: the check runs as it does in the browser.
  const feed = new LabFeed(lab, running.origin);
  const exerciseLab = createExerciseLab(lab, feed, running.origin);
  try {
    return await exercise.check(exerciseLab);
  } finally {
    exerciseLab.close();
    feed.close();
  }
}

describe("every lesson's server exercise, judged on the real lab", () => {
  it("exists for every lesson with a lab", () => {
    expect(lessons.map(({ slug }) => slug).sort()).toEqual([
      "acks",
      "emit",
      "recovery",
      "retries",
      "rooms",
      "scaling",
      "transports",
      "why-websocket",
    ]);
  });

  for (const { slug, exercise } of lessons) {
    it(`${slug}: the starter fails with evidence, the solution passes`, { timeout: 40_000 }, async () => {
      const failed = await judge(slug, exercise, source(slug, "server-starter.ts"));
      expect(failed.pass, failed.evidence.join("\n")).toBe(false);
      expect(failed.evidence.length).toBeGreaterThan(0);
      // The Scaling solution needs Redis Streams, which needs a Redis: CI has one.
      if (slug === "scaling" && !inject("redisUrl")) return;
      const passed = await judge(slug, exercise, source(slug, "server-solution.ts"), true);
      expect(passed.pass, passed.evidence.join("\n")).toBe(true);
    });
  }
});
