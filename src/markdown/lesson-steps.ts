import { defineHastPlugin } from "satteri";
import type { Element, ElementContent, RootContent } from "hast";
import { markTerms } from "./glossary-terms.js";

/**
 * Turns a lesson's Markdown into steps a learner can follow one screen at a time, at build time, so the page
 * needs no script to have its shape and the search index sees every word:
 * - each `## ` heading starts a step, a `<section data-step>` whose id is the heading's short name
 *   ("The idea: rooms live on the server" → `the-idea`), which is also the step's URL fragment;
 *   the "Next" section stays with the step before it, since it is one line that points on;
 * - a paragraph that starts with "Answer:" becomes a hidden answer behind a "Show answer" button;
 * - a link written `[Try it](#try "Alice: Shared text")` becomes a "Try it" button that brings that control
 *   of the lab into view and focuses it (src/client/ui/try-it-view.ts finds it by its name);
 * - the first appearance of each glossary term in a step opens its definition (glossary-terms.ts).
 */
export const lessonSteps = () => {
  let answers = 0;
  let terms = 0;
  return defineHastPlugin({
    name: "lesson-steps",
    after(root, ctx) {
      answers = 0;
      terms = 0;
      const steps = intoSteps(root.children.map(transform)).map((node) =>
        node.type === "element" && node.properties?.dataStep ? markTerms(node, () => ++terms) : node,
      );
      ctx.replaceNode(root, { type: "root", children: steps });
    },
  });

  function transform<T extends RootContent>(node: T): T {
    if (node.type !== "element") return node;
    if (node.tagName === "p" && startsWith(node, "Answer:")) return answer(node) as T;
    if (node.tagName === "a" && node.properties?.href === "#try") return tryIt(node) as T;
    return { ...node, children: node.children.map(transform) };
  }

  function answer(paragraph: Element): Element {
    const id = `answer-${++answers}`;
    return element("div", { className: ["answer"] }, [
      element("button", { type: "button", className: ["show-answer"], ariaExpanded: "false", ariaControls: [id] }, [text("Show answer")]),
      // until-found: the browser's find-in-page and a link to a fragment inside can still open it.
      element("div", { id, className: ["answer-body"], hidden: "until-found" }, [
        { ...paragraph, children: paragraph.children.map(transform) },
      ]),
    ]);
  }
};

/** The button a `[Try it](#try "Client: Control")` link becomes; its name starts with "Try it", as the text did. */
function tryIt(link: Element): Element {
  const target = String(link.properties?.title ?? "");
  const [scope, control] = target.includes(": ") ? target.split(": ", 2) : [undefined, target];
  const label = scope ? `Try it: ${control} in ${scope}'s panel` : `Try it: ${control}`;
  return element("button", { type: "button", className: ["try-it"], dataTry: target, ariaLabel: label }, link.children);
}

/** Groups the top level into steps at each h2. */
function intoSteps(children: RootContent[]): RootContent[] {
  const steps: Element[] = [];
  const used = new Set<string>();
  let intro: RootContent[] = [];
  for (const child of children) {
    const current = steps.at(-1);
    if (child.type === "element" && child.tagName === "h2" && !(current && isNext(child))) {
      const id = unique(stepName(child), used);
      const heading: Element = { ...child, properties: { ...child.properties, id } };
      steps.push(element("section", { className: ["lesson-step"], dataStep: id, ariaLabelledby: id }, [heading]));
      continue;
    }
    if (current) current.children.push(child as ElementContent);
    else intro.push(child);
  }
  // Text before the first heading belongs to the first step.
  const first = steps[0];
  if (first && intro.length > 0) {
    first.children.splice(0, 0, ...(intro as ElementContent[]));
    intro = [];
  }
  return [...intro, ...steps];
}

function isNext(heading: Element): boolean {
  return textOf(heading).trim().toLowerCase() === "next";
}

/** "Try it: co-edit with Bob" → "try-it"; "Where it breaks" → "where-it-breaks". */
export function stepName(heading: Element): string {
  const label = textOf(heading).split(":")[0] ?? "";
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, "")
    .trim()
    .replace(/\s+/g, "-");
  return slug || "step";
}

function unique(name: string, used: Set<string>): string {
  let id = name;
  for (let n = 2; used.has(id); n++) id = `${name}-${n}`;
  used.add(id);
  return id;
}

function startsWith(node: Element, prefix: string): boolean {
  const first = node.children[0];
  return first?.type === "text" && first.value.trimStart().startsWith(prefix);
}

function textOf(node: Element | ElementContent): string {
  if (node.type === "text") return node.value;
  if (node.type !== "element") return "";
  return node.children.map(textOf).join("");
}

function element(tagName: string, properties: Element["properties"], children: ElementContent[]): Element {
  return { type: "element", tagName, properties, children };
}

function text(value: string): ElementContent {
  return { type: "text", value };
}
