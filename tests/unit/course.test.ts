import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COURSE_SLUGS, inCourseOrder, neighbours } from "../../src/shared/course.js";
import { lessonLabs } from "../../src/server/lessons.js";

const lessons = [
  { slug: "emit", title: "Emit", order: 2 },
  { slug: "why-websocket", title: "Why WebSocket", order: 1 },
  { slug: "acks", title: "Acknowledgements", order: 3 },
];

describe("course order", () => {
  it("sorts lessons by their order", () => {
    expect(inCourseOrder(lessons).map((l) => l.slug)).toEqual(["why-websocket", "emit", "acks"]);
  });

  it("finds the previous and next lesson, with none before the first or after the last", () => {
    expect(neighbours(lessons, "emit")).toMatchObject({ previous: { slug: "why-websocket" }, next: { slug: "acks" } });
    expect(neighbours(lessons, "why-websocket").previous).toBeUndefined();
    expect(neighbours(lessons, "acks").next).toBeUndefined();
  });

  it("has a lesson folder for every slug of the course, and a lab only for lessons that exist", () => {
    const folders = readdirSync("src/lessons", { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual([...COURSE_SLUGS].sort());
    for (const slug of lessonLabs.keys()) expect(COURSE_SLUGS).toContain(slug);
  });
});
