/** The course, in order: every lesson has a page at /lessons/<slug>, written or coming soon. */
export const COURSE_SLUGS = ["why-websocket", "emit", "acks", "rooms", "recovery", "retries", "transports", "scaling"] as const;

export type CourseSlug = (typeof COURSE_SLUGS)[number];

export interface CourseEntry {
  slug: string;
  title: string;
  order: number;
}

/** Lessons in course order. */
export function inCourseOrder<T extends CourseEntry>(lessons: readonly T[]): T[] {
  return [...lessons].sort((a, b) => a.order - b.order);
}

/** The lessons before and after `slug` in course order. */
export function neighbours<T extends CourseEntry>(lessons: readonly T[], slug: string): { previous: T | undefined; next: T | undefined } {
  const ordered = inCourseOrder(lessons);
  const index = ordered.findIndex((lesson) => lesson.slug === slug);
  if (index === -1) return { previous: undefined, next: undefined };
  return { previous: ordered[index - 1], next: ordered[index + 1] };
}
