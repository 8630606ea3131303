/**
 * The lab parts each step of a lesson uses, as its frontmatter declares them (`labParts:` in
 * src/lessons/<slug>/index.md): step id → the names of the parts, in the words on the page ("Alice",
 * "Timeline", "Predict, then run"). The lab expands those and collapses the rest (src/client/ui/lab-parts-view.ts).
 */
export type StepParts = Readonly<Record<string, readonly string[]>>;

/** The attribute that names a part of the lab in its markup, e.g. `<section data-lab-part="Timeline">`. */
export const PART_ATTRIBUTE = "data-lab-part";

/** What a lesson's declaration is checked against: its steps' ids and the parts its lab has. */
export interface StepPartsContext {
  steps: readonly string[];
  parts: readonly string[];
}

/**
 * Every mistake in a declaration, one sentence each: a step id the lesson does not have, a part its lab
 * does not have, a part named twice. The build fails on any (src/components/LabParts.astro), so a renamed
 * heading or step cannot leave a declaration that silently does nothing.
 */
export function checkStepParts(declared: StepParts, { steps, parts }: StepPartsContext): string[] {
  const errors: string[] = [];
  const known = new Set(parts);
  for (const [step, names] of Object.entries(declared)) {
    if (!steps.includes(step)) {
      errors.push(`step "${step}" is not a step of this lesson (its steps: ${steps.join(", ")})`);
    }
    const seen = new Set<string>();
    for (const name of names) {
      if (!known.has(name)) errors.push(`step "${step}" uses "${name}", which is not a part of this lab (its parts: ${parts.join(", ")})`);
      if (seen.has(name)) errors.push(`step "${step}" names "${name}" twice`);
      seen.add(name);
    }
  }
  return errors;
}

/** The part names a rendered lab's HTML carries, in order, each once. */
export function partNamesIn(html: string): string[] {
  const names = [...html.matchAll(new RegExp(`${PART_ATTRIBUTE}="([^"]*)"`, "g"))].map((match) => unescapeHtml(match[1] ?? ""));
  return [...new Set(names.filter((name) => name !== ""))];
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
