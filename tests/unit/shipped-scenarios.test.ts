import { describe, expect, it } from "vitest";
import { readScenario, shippedScenarioFiles } from "../support/scenarios.js";

describe("the shipped scenarios", () => {
  const files = shippedScenarioFiles();
  it("are two or more for every lesson", () => {
    const perLesson = new Map<string, number>();
    for (const { lesson } of files) perLesson.set(lesson, (perLesson.get(lesson) ?? 0) + 1);
    for (const lesson of ["why-websocket", "emit", "acks", "rooms", "recovery", "retries", "transports", "scaling"]) {
      expect(perLesson.get(lesson) ?? 0, lesson).toBeGreaterThanOrEqual(2);
    }
  });

  it.each(files.map(({ path, lesson }) => [path, lesson]))("%s is a valid scenario of its lesson", (path, lesson) => {
    const text = readScenario(path);
    expect(text.lesson).toBe(lesson);
    expect(text.description?.length ?? 0).toBeGreaterThan(0);
  });
});
