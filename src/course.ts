import { getCollection, type CollectionEntry } from "astro:content";
import { inCourseOrder } from "./shared/course.js";

export type Lesson = CollectionEntry<"lessons"> & { slug: string; title: string; order: number };

/** Every lesson of the course, written or coming soon, in course order. */
export async function courseLessons(): Promise<Lesson[]> {
  const entries = await getCollection("lessons");
  return inCourseOrder(entries.map((entry) => ({ ...entry, slug: entry.id, title: entry.data.title, order: entry.data.order })));
}
