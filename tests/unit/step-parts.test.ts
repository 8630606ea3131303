import { readFileSync, readdirSync } from "node:fs";
import { markdownToHtml } from "satteri";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { lessonSteps } from "../../src/markdown/lesson-steps.js";
import { COURSE_SLUGS } from "../../src/shared/course.js";
import { checkStepParts, partNamesIn, type StepParts } from "../../src/shared/step-parts.js";

describe("a lesson's declaration of the lab parts each step uses", () => {
  const context = { steps: ["the-problem", "try-it"], parts: ["Alice", "Bob", "Timeline", "Predict, then run"] };

  it("accepts steps of the lesson naming parts of its lab", () => {
    expect(checkStepParts({ "the-problem": ["Alice", "Timeline"], "try-it": ["Predict, then run"] }, context)).toEqual([]);
  });

  it("rejects a step id the lesson does not have, naming the steps it has", () => {
    expect(checkStepParts({ "the-idea": ["Alice"] }, context)).toEqual([
      'step "the-idea" is not a step of this lesson (its steps: the-problem, try-it)',
    ]);
  });

  it("rejects a part the lab does not have, and one named twice", () => {
    expect(checkStepParts({ "try-it": ["Inspector", "Bob", "Bob"] }, context)).toEqual([
      'step "try-it" uses "Inspector", which is not a part of this lab (its parts: Alice, Bob, Timeline, Predict, then run)',
      'step "try-it" names "Bob" twice',
    ]);
  });

  it("reads the part names from a rendered lab, each once, unescaped, leaving out an unnamed template", () => {
    const html =
      '<section data-lab-part="Timeline"></section><section data-lab-part=""></section>' +
      '<div data-lab-part="Predict, then run"></div><i data-lab-part="Timeline"></i><b data-lab-part="Alice&#39;s &amp; Bob&quot;s"></b>';
    expect(partNamesIn(html)).toEqual(["Timeline", "Predict, then run", "Alice's & Bob\"s"]);
  });
});

/** The frontmatter of a lesson, read as the content collection reads it. */
function frontmatter(slug: string): { lab?: { clients?: string[] }; labParts?: StepParts } {
  const source = readFileSync(`src/lessons/${slug}/index.md`, "utf8");
  return parse(/^---\n([\s\S]*?)\n---\n/.exec(source)?.[1] ?? "") as { lab?: { clients?: string[] }; labParts?: StepParts };
}

/** The lesson's step ids, as the build makes them from its Markdown. */
function stepIds(slug: string): string[] {
  const body = readFileSync(`src/lessons/${slug}/index.md`, "utf8").replace(/^---\n[\s\S]*?\n---\n/, "");
  const html = markdownToHtml(body, { hastPlugins: [lessonSteps] }).html;
  return [...html.matchAll(/data-step="([^"]+)"/g)].map((match) => match[1] ?? "");
}

/** Every part name written in the shared lab's components and in the lesson's own folder. */
function partNamesWritten(slug: string): string[] {
  const files = [
    ...readdirSync("src/components").map((file) => `src/components/${file}`),
    ...readdirSync(`src/lessons/${slug}`).map((file) => `src/lessons/${slug}/${file}`),
  ].filter((file) => file.endsWith(".astro"));
  return files.flatMap((file) => partNamesIn(readFileSync(file, "utf8")));
}

describe("every lesson's labParts", () => {
  for (const slug of COURSE_SLUGS) {
    it(`in ${slug} names only its steps and parts its lab's components carry, for every step but none`, () => {
      const { lab, labParts = {} } = frontmatter(slug);
      const steps = stepIds(slug);
      expect(checkStepParts(labParts, { steps, parts: [...(lab?.clients ?? []), ...partNamesWritten(slug)] })).toEqual([]);
      // Every step says what it uses: one left out would show the whole lab, which is allowed but not meant here.
      expect(Object.keys(labParts).sort()).toEqual([...steps].sort());
    });
  }
});
