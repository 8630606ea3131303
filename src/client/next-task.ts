/** The part of the Prioritized Task Scheduling API this uses (Chromium; TypeScript's DOM library lacks it). */
interface TaskScheduler {
  postTask(callback: () => void, options: { priority: "user-blocking" }): Promise<void>;
}

/**
 * Resolves in a task of its own, so that work split by it gives the browser a turn in between: one long
 * task at a phone's speed blocks input, and Lighthouse counts each millisecond of it past 50 against the
 * page. Where the browser can rank tasks the continuation goes ahead of its ordinary ones (parsing,
 * timers), since what waits here is on the way to the lab's first frame.
 */
export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Partial<TaskScheduler> }).scheduler;
  if (typeof scheduler?.postTask === "function") return scheduler.postTask(() => undefined, { priority: "user-blocking" });
  return new Promise((resolve) => setTimeout(resolve, 0));
}
