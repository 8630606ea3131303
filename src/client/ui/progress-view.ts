import { markVisited, readProgress, setCompleted } from "../progress.js";

/** Marks each lesson on the course list with what this browser remembers: visited or completed; and the course's bar. */
export function showCourseProgress(root: ParentNode): void {
  const progress = readProgress();
  const bar = root.querySelector<HTMLProgressElement>("[data-course-progress] progress");
  const said = root.querySelector<HTMLElement>("[data-course-progress] .course-progress-text");
  if (bar && said) {
    const completed = Object.values(progress).filter((lesson) => lesson.completed).length;
    bar.value = Math.min(completed, bar.max);
    if (completed > 0) said.textContent = `${Math.min(completed, bar.max)} of ${bar.max} lessons completed`;
  }
  for (const card of root.querySelectorAll<HTMLElement>("[data-lesson]")) {
    const badge = card.querySelector<HTMLElement>("[data-progress]");
    const state = progress[card.dataset.lesson ?? ""];
    if (!badge || !state?.visited) continue;
    const passed = [state.exercisePassed && "exercise passed", state.serverExercisePassed && "server exercise passed"].filter(Boolean);
    badge.textContent = [state.completed ? "completed" : "visited", ...passed].join(" · ");
    badge.hidden = false;
  }
}

/** Remembers the visit, and wires the lesson's "Mark lesson complete" toggle. */
export function trackLesson(slug: string, toggle: HTMLButtonElement | null): void {
  const progress = markVisited(slug);
  if (!toggle) return;
  // A toggle button keeps one name; its pressed state says whether the lesson is complete.
  const show = (completed: boolean) => toggle.setAttribute("aria-pressed", String(completed));
  show(progress[slug]?.completed ?? false);
  toggle.addEventListener("click", () => {
    const completed = toggle.getAttribute("aria-pressed") !== "true";
    setCompleted(slug, completed);
    show(completed);
  });
}
