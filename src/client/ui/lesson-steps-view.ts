/**
 * Shows a lesson one step at a time. The steps are sections the build made (src/markdown/), all in
 * the page: moving between them only hides and shows text, so the lab beside them, its clients and their
 * sockets, never notice. Each step's URL is its fragment, so Back, links and bookmarks work as usual.
 */
export interface StepsView {
  current(): HTMLElement;
  show(id: string): void;
}

export interface StepNav {
  root: HTMLElement;
  previous: HTMLAnchorElement;
  next: HTMLAnchorElement;
  count: HTMLElement;
  previousTitle: HTMLElement;
  nextTitle: HTMLElement;
}

export function startLessonSteps(article: HTMLElement, nav: StepNav, onStep: (step: HTMLElement) => void): StepsView | undefined {
  const steps = [...article.querySelectorAll<HTMLElement>("[data-step]")];
  if (steps.length < 2) return undefined;
  let current = steps[0] as HTMLElement;

  const stepOf = (fragment: string): { step: HTMLElement; target: HTMLElement | undefined } => {
    const id = decodeURIComponent(fragment.replace(/^#/, ""));
    const target = id ? (article.ownerDocument.getElementById(id) ?? undefined) : undefined;
    const step = target?.closest<HTMLElement>("[data-step]") ?? undefined;
    return step && steps.includes(step)
      ? { step, target: target === step.querySelector("h2") ? undefined : target }
      : { step: steps[0] as HTMLElement, target: undefined };
  };

  const show = (step: HTMLElement, how: "load" | "move" | "link", target?: HTMLElement) => {
    current = step;
    for (const each of steps) each.hidden = each !== step;
    const index = steps.indexOf(step);
    const before = steps[index - 1];
    const after = steps[index + 1];
    link(nav.previous, nav.previousTitle, before);
    link(nav.next, nav.nextTitle, after);
    nav.count.textContent = `Step ${index + 1} of ${steps.length}`;
    nav.root.hidden = false;
    onStep(step);
    if (how === "load" && !target) return;
    if (target) return target.scrollIntoView({ block: "start" });
    // A move lands where the new step begins, with focus there, as a new page would.
    const heading = step.querySelector<HTMLElement>("h2");
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
    if (heading.getBoundingClientRect().top < 0) article.scrollIntoView({ block: "start" });
  };

  const fromUrl = (how: "load" | "move") => {
    const { step, target } = stepOf(location.hash);
    show(step, how, target);
  };
  window.addEventListener("hashchange", () => fromUrl("move"));
  fromUrl("load");

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    if (!arrowsAreFree(event.target)) return;
    const index = steps.indexOf(current);
    const to = steps[event.key === "ArrowRight" ? index + 1 : index - 1];
    if (!to) return;
    event.preventDefault();
    location.hash = to.dataset.step ?? "";
  });

  return {
    current: () => current,
    show: (id) => {
      const step = steps.find((each) => each.dataset.step === id);
      if (step) show(step, "link");
    },
  };
}

function link(anchor: HTMLAnchorElement, title: HTMLElement, step: HTMLElement | undefined): void {
  anchor.hidden = !step;
  title.hidden = !step;
  if (!step) return;
  anchor.href = `#${step.dataset.step ?? ""}`;
  title.textContent = step.querySelector("h2")?.textContent ?? "";
}

/**
 * The arrow keys move between steps only where they mean nothing else: not in a field, the editor, a list
 * of options, a tab strip or the lab, whose controls are the learner's to use.
 */
function arrowsAreFree(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return true;
  if (
    target.closest(
      "input, textarea, select, [contenteditable], [role=tablist], [role=radiogroup], [role=listbox], [role=slider], .monaco-editor, [data-lab]",
    )
  )
    return false;
  return true;
}
