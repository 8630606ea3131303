const LEARNER_KEY = "playground:learner";

/** The learner's random id, made once and kept in this browser: there is no login. */
export function learnerId(storage: Storage = localStorage): string {
  let id = storage.getItem(LEARNER_KEY);
  if (!id || !/^[A-Za-z0-9_-]{16,128}$/.test(id)) {
    id = crypto.randomUUID();
    storage.setItem(LEARNER_KEY, id);
  }
  return id;
}
