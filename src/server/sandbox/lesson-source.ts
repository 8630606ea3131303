import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * A lesson's folder, where its server.ts and events.ts are: read from the checkout the site runs in
 * (`npm start` runs from it), so the code a learner starts from is the file the lab runs.
 */
export function lessonDirectory(slug: string): string {
  return resolve("src/lessons", slug.replace(/[^a-z0-9-]/g, ""));
}

const sources = new Map<string, string>();

/** The lesson's own server.ts, as the page shows it. */
export function lessonSource(slug: string): string {
  let source = sources.get(slug);
  if (source === undefined) {
    source = readFileSync(join(lessonDirectory(slug), "server.ts"), "utf8");
    sources.set(slug, source);
  }
  return source;
}
