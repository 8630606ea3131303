/**
 * An exercise's hints, one more each press of "Hint", so the learner decides how much help to take before
 * the solution. The hints are in the page (`.hints > li`, hidden); `last` is what to say when all are shown.
 */
export function mountHints(root: HTMLElement, last: string): void {
  const button = root.querySelector<HTMLButtonElement>(".show-hint");
  const note = root.querySelector<HTMLElement>(".hint-count");
  if (!button || !note) return;
  const hints = [...root.querySelectorAll<HTMLElement>(".hints > li")];
  button.disabled = hints.length === 0;
  button.addEventListener("click", () => {
    const next = hints.find((hint) => hint.hidden);
    if (!next) return;
    next.hidden = false;
    const shown = hints.filter((hint) => !hint.hidden).length;
    note.textContent = `Hint ${shown} of ${hints.length} shown.`;
    if (shown === hints.length) {
      button.disabled = true;
      note.textContent += ` ${last}`;
    }
  });
}
