import { NARROW } from "../lab-on-screen.js";
import { markStepSeen, readProgress } from "../progress.js";
import { wireAnswers } from "./answer-view.js";
import { startLabParts } from "./lab-parts-view.js";
import { startLessonSteps } from "./lesson-steps-view.js";
import { startLessonTabs, type LessonTabs } from "./lesson-tabs-view.js";
import { trackLesson } from "./progress-view.js";
import { wireTryIt } from "./try-it-view.js";

/** Wires a lesson page: progress, steps, answers, the phone's tabs and the "Try it" buttons. */
export function startLessonPage(page: HTMLElement): void {
  const slug = page.dataset.lessonPage ?? "";
  trackLesson(slug, page.querySelector<HTMLButtonElement>(".complete-toggle"));
  const text = page.querySelector<HTMLElement>(".lesson-text");
  if (!text) return;
  wireAnswers(text);
  showLessonTicks(page);

  // The lab follows the step: the parts it uses open, the rest close to a line (lab-parts-view.ts).
  const partsRoot = page.querySelector<HTMLElement>(".lab-parts");
  const labRoot = partsRoot?.querySelector<HTMLElement>("[data-lab]");
  const labParts = partsRoot && labRoot ? startLabParts(partsRoot, labRoot) : undefined;

  const nav = page.querySelector<HTMLElement>(".step-nav");
  if (nav) {
    startLessonSteps(
      text,
      {
        root: nav,
        previous: nav.querySelector<HTMLAnchorElement>(".previous-step") as HTMLAnchorElement,
        next: nav.querySelector<HTMLAnchorElement>(".next-step") as HTMLAnchorElement,
        count: nav.querySelector<HTMLElement>(".step-count") as HTMLElement,
        previousTitle: nav.querySelector<HTMLElement>(".previous-title") as HTMLElement,
        nextTitle: nav.querySelector<HTMLElement>(".next-title") as HTMLElement,
      },
      (step) => {
        const id = step.dataset.step ?? "";
        markStepSeen(slug, id);
        labParts?.showStep(step);
        showStepTicks(page, slug, id);
        // "Mark lesson complete" belongs after the last step, not under the first.
        const toggle = page.querySelector<HTMLElement>(".complete-toggle");
        if (toggle) toggle.hidden = step.nextElementSibling?.matches("[data-step]") ?? false;
      },
    );
  }

  const labColumn = page.querySelector<HTMLElement>(".lab-column");
  const lab = labColumn?.querySelector<HTMLElement>("[data-lab]");
  const strip = page.querySelector<HTMLElement>(".lesson-tabs");
  if (!labColumn || !lab || !strip) return;
  const tabs = startLessonTabs(page, strip, window.matchMedia(NARROW));
  wireBackToText(labColumn, tabs);
  wireTryIt(text, lab, (button) => {
    if (!window.matchMedia(NARROW).matches) return;
    tabs.showLab();
    backTo = button;
    const back = labColumn.querySelector<HTMLButtonElement>(".back-to-text");
    if (back) back.hidden = false;
  });
}

/** The "Try it" button a phone learner came from, for "Back to the text". */
let backTo: HTMLElement | undefined;

function wireBackToText(labColumn: HTMLElement, tabs: LessonTabs): void {
  const back = labColumn.querySelector<HTMLButtonElement>(".back-to-text");
  back?.addEventListener("click", () => {
    tabs.showText();
    back.hidden = true;
    backTo?.scrollIntoView({ block: "center" });
    backTo?.focus({ preventScroll: true });
  });
}

function showLessonTicks(page: HTMLElement): void {
  const progress = readProgress();
  for (const item of page.querySelectorAll<HTMLElement>("[data-contents-lesson]")) {
    if (progress[item.dataset.contentsLesson ?? ""]?.completed) item.dataset.seen = "";
  }
}

function showStepTicks(page: HTMLElement, slug: string, current: string): void {
  const seen = new Set(readProgress()[slug]?.stepsSeen ?? []);
  for (const item of page.querySelectorAll<HTMLElement>("[data-contents-step]")) {
    const id = item.dataset.contentsStep ?? "";
    if (seen.has(id)) item.dataset.seen = "";
    const said = item.querySelector(".seen-text");
    if (said) said.textContent = seen.has(id) ? " (seen)" : "";
    if (id === current) {
      item.dataset.currentStep = "";
      item.querySelector("a")?.setAttribute("aria-current", "step");
    } else {
      delete item.dataset.currentStep;
      item.querySelector("a")?.removeAttribute("aria-current");
    }
  }
}
