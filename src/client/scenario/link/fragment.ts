/**
 * The mark of a scenario link's fragment (`#scenario=…`), apart from its codec so the page can tell a link
 * is there without loading the schema.
 */
export const LINK_PREFIX = "scenario=";

/** Whether a fragment (with or without "#") is a scenario link at all. */
export function isScenarioFragment(hash: string): boolean {
  return hash.replace(/^#/, "").startsWith(LINK_PREFIX);
}
