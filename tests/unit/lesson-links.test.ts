import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COURSE_SLUGS } from "../../src/shared/course.js";

interface LessonText {
  slug: string;
  title: string;
  published: boolean;
  body: string;
}

/** A lesson's title, status and text, read from its index.md the way the content schema reads them. */
function readLesson(slug: string): LessonText {
  const source = readFileSync(`src/lessons/${slug}/index.md`, "utf8");
  const [, front = "", body = ""] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source) ?? [];
  const field = (name: string) => new RegExp(`^${name}:\\s*"?(.*?)"?\\s*$`, "m").exec(front)?.[1];
  // The schema's default status is "published".
  return { slug, title: field("title") ?? slug, published: (field("status") ?? "published") === "published", body };
}

const lessons = COURSE_SLUGS.map(readLesson);
const published = lessons.filter((lesson) => lesson.published);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The sentences of a text that call something "coming soon" and name or link a published lesson. */
function comingSoonClaims(body: string, others: LessonText[]): string[] {
  const sentences = body.split(/\n\s*\n|(?<=[.!?])\s+/);
  return sentences.filter(
    (sentence) =>
      /coming soon/i.test(sentence) &&
      others.some(
        (other) => sentence.includes(`/lessons/${other.slug})`) || new RegExp(`\\b${escapeRegExp(other.title)}\\b`).test(sentence),
      ),
  );
}

describe("the lessons' text and the course list", () => {
  it("reads every lesson of the course, and finds more than one published", () => {
    expect(lessons.map((lesson) => lesson.slug)).toEqual([...COURSE_SLUGS]);
    expect(published.length).toBeGreaterThan(1);
  });

  it("never has a published lesson call another published lesson coming soon", () => {
    const claims = published.flatMap((lesson) =>
      comingSoonClaims(
        lesson.body,
        published.filter((other) => other.slug !== lesson.slug),
      ).map((sentence) => `${lesson.slug}: ${sentence.trim()}`),
    );
    expect(claims).toEqual([]);
  });

  it("catches a published lesson named or linked as coming soon", () => {
    const scaling = { slug: "scaling", title: "Scaling", published: true, body: "" };
    expect(comingSoonClaims("Next: [Scaling](/lessons/scaling) (coming soon) runs several nodes.", [scaling])).toHaveLength(1);
    expect(comingSoonClaims("The Scaling lesson, coming soon in this course, shows it.", [scaling])).toHaveLength(1);
    expect(comingSoonClaims("Scaling runs several nodes. A quiz is coming soon.", [scaling])).toEqual([]);
  });
});
