/**
 * A lesson's shipped scenarios (`src/lessons/<slug>/scenarios/*.json`) for the browser, each file a module
 * of its own, loaded with the Scenarios view when the learner reaches for it. The page lists them (title,
 * steps) but does not carry their JSON: it was 500 to 750 bytes of each lesson page's brotli HTML, which must
 * fit one TCP round trip (tests/browser/page-budget.test.ts). The build checks every file (Scenarios.astro).
 */
const files = import.meta.glob<unknown>("/src/lessons/*/scenarios/*.json", { import: "default" });

/** The scenario file `id` of `lesson`, as its JSON says; undefined when there is no such file. */
export async function shippedScenario(lesson: string, id: string): Promise<unknown> {
  return files[`/src/lessons/${lesson}/scenarios/${id}.json`]?.();
}
