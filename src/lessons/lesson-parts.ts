import DefaultLab from "../components/Lab.astro";

/**
 * The one place the pages read a lesson's own parts from its folder, so a lesson's files are found by the
 * lesson's name and nothing else lists them.
 */

/**
 * A lesson's lab: `src/lessons/<slug>/Lab.astro` when the lesson has its own controls (it fills the shared
 * lab's slots), else the shared lab as it is.
 */
const labs = import.meta.glob<typeof DefaultLab>("/src/lessons/*/Lab.astro", { eager: true, import: "default" });

export function lessonLab(slug: string): typeof DefaultLab {
  return labs[`/src/lessons/${slug}/Lab.astro`] ?? DefaultLab;
}

/** One live server setting of a lesson, as its server file declares it. */
export interface LessonSettingSpec {
  name: string;
  label: string;
  default: number;
  min: number;
  max: number;
}

const servers = import.meta.glob<{ settings?: Record<string, Omit<LessonSettingSpec, "name">> }>("/src/lessons/*/server.ts", {
  eager: true,
});

/** The settings a lesson's server file declares (its `export const settings`), in its order; none without. */
export function lessonSettings(slug: string): LessonSettingSpec[] {
  const declared = servers[`/src/lessons/${slug}/server.ts`]?.settings ?? {};
  return Object.entries(declared).map(([name, spec]) => ({ name, ...spec }));
}

/** A lesson's shipped scenarios (`src/lessons/<slug>/scenarios/*.json`, docs/scenarios.md), by file name. */
const scenarios = import.meta.glob<unknown>("/src/lessons/*/scenarios/*.json", { eager: true, import: "default" });

export function lessonScenarios(slug: string): { id: string; scenario: unknown }[] {
  const prefix = `/src/lessons/${slug}/scenarios/`;
  return Object.entries(scenarios)
    .filter(([path]) => path.startsWith(prefix))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, scenario]) => ({ id: path.slice(prefix.length).replace(/\.json$/, ""), scenario }));
}
