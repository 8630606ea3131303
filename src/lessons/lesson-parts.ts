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

const servers = import.meta.glob<Record<string, unknown>>("/src/lessons/*/server.ts", { eager: true });

/** What a lesson's server file says about its settings, whatever else it exports. */
interface DeclaresSettings {
  slug: string;
  settings?: Record<string, Omit<LessonSettingSpec, "name">>;
}

const declaresSettings = (value: unknown): value is DeclaresSettings =>
  typeof value === "object" && value !== null && "slug" in value && typeof value.slug === "string";

/** The settings a lesson's server file declares, in its order; none for a lesson without any. */
export function lessonSettings(slug: string): LessonSettingSpec[] {
  // Today a server file exports its lab as one object carrying the settings; read them from that object.
  const lab = Object.values(servers[`/src/lessons/${slug}/server.ts`] ?? {}).find(declaresSettings);
  return Object.entries(lab?.settings ?? {}).map(([name, spec]) => ({ name, ...spec }));
}

/** The Scaling lab's server nodes, by name, as the host starts them. */
export { NODE_NAMES as scalingNodeNames } from "../server/scaling/scaling-lab.js";
