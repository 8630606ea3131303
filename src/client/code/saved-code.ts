const KEY = (slug: string) => `playground:code:${slug}`;
/** Code longer than this is not kept: localStorage is small and shared with the rest of the site. */
export const MAX_SAVED_CHARS = 100_000;

/** The learner's code for a lesson, as they last left it in this browser, if any. */
export function loadCode(slug: string, storage: Storage = localStorage): string | undefined {
  try {
    return storage.getItem(KEY(slug)) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the learner's code for the lesson; returns false when it could not be kept (too long, or storage full). */
export function saveCode(slug: string, code: string, storage: Storage = localStorage): boolean {
  if (code.length > MAX_SAVED_CHARS) return false;
  try {
    storage.setItem(KEY(slug), code);
    return true;
  } catch {
    return false;
  }
}
