const KEY = (slug: string) => `playground:code:${slug}`;
/** The learner's server code is kept apart from their client code: the two editors never share a text. */
const SERVER_KEY = (slug: string) => `playground:server-code:${slug}`;
/** Code longer than this is not kept: localStorage is small and shared with the rest of the site. */
export const MAX_SAVED_CHARS = 100_000;

function load(key: string, storage: Storage): string | undefined {
  try {
    return storage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function save(key: string, code: string, storage: Storage): boolean {
  if (code.length > MAX_SAVED_CHARS) return false;
  try {
    storage.setItem(key, code);
    return true;
  } catch {
    return false;
  }
}

/** The learner's code for a lesson, as they last left it in this browser, if any. */
export function loadCode(slug: string, storage: Storage = localStorage): string | undefined {
  return load(KEY(slug), storage);
}

/** Keeps the learner's code for the lesson; returns false when it could not be kept (too long, or storage full). */
export function saveCode(slug: string, code: string, storage: Storage = localStorage): boolean {
  return save(KEY(slug), code, storage);
}

/** The learner's own server code for a lesson ("Edit server code"), if they have edited it in this browser. */
export function loadServerCode(slug: string, storage: Storage = localStorage): string | undefined {
  return load(SERVER_KEY(slug), storage);
}

/** Keeps the learner's server code for the lesson; false when it could not be kept. */
export function saveServerCode(slug: string, code: string, storage: Storage = localStorage): boolean {
  return save(SERVER_KEY(slug), code, storage);
}
