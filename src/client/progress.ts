/** The learner's progress through the course, kept in this browser. */
export interface LessonProgress {
  visited: boolean;
  completed: boolean;
  /** Predictions the learner got right, of all they made, in the lesson's "Predict, then run". */
  score?: { right: number; total: number };
  /** The lesson's code exercise passed, judged by what the lab observed. */
  exercisePassed?: boolean;
  /** The lesson's server exercise passed: the learner's server code did what it asked, on the real lab. */
  serverExercisePassed?: boolean;
  /** The steps of the lesson the learner has opened, by their fragment name. */
  stepsSeen?: string[];
}

export type CourseProgress = Record<string, LessonProgress>;

const PROGRESS_KEY = "playground:progress";

export function readProgress(storage: Storage = localStorage): CourseProgress {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(PROGRESS_KEY) ?? "{}");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as CourseProgress) : {};
  } catch {
    // A hand-edited or corrupted entry must not break the page: start over.
    return {};
  }
}

function update(slug: string, change: Partial<LessonProgress>, storage: Storage): CourseProgress {
  const progress = readProgress(storage);
  const current = progress[slug] ?? { visited: false, completed: false };
  progress[slug] = { ...current, ...change };
  storage.setItem(PROGRESS_KEY, JSON.stringify(progress));
  return progress;
}

export function markVisited(slug: string, storage: Storage = localStorage): CourseProgress {
  return update(slug, { visited: true }, storage);
}

export function setCompleted(slug: string, completed: boolean, storage: Storage = localStorage): CourseProgress {
  return update(slug, { visited: true, completed }, storage);
}

/** Adds one run's predictions to the lesson's remembered score. */
export function addToScore(slug: string, right: number, total: number, storage: Storage = localStorage): CourseProgress {
  const before = readProgress(storage)[slug]?.score ?? { right: 0, total: 0 };
  return update(slug, { visited: true, score: { right: before.right + right, total: before.total + total } }, storage);
}

/** The lesson's server exercise passed. */
export function markServerExercisePassed(slug: string, storage: Storage = localStorage): CourseProgress {
  return update(slug, { visited: true, serverExercisePassed: true }, storage);
}

/** The lesson's code exercise passed: remembered with the rest of the lesson's progress. */
export function markExercisePassed(slug: string, storage: Storage = localStorage): CourseProgress {
  return update(slug, { visited: true, exercisePassed: true }, storage);
}

/** Remembers that the learner opened one step of the lesson, for the ticks in the course contents. */
export function markStepSeen(slug: string, step: string, storage: Storage = localStorage): CourseProgress {
  const seen = readProgress(storage)[slug]?.stepsSeen ?? [];
  if (seen.includes(step)) return readProgress(storage);
  return update(slug, { visited: true, stepsSeen: [...seen, step] }, storage);
}
