import { findControl } from "./find-control.js";
import { openPartOf } from "./lab-parts-view.js";

/** How long a control stays highlighted after a "Try it" brought it into view. */
const HIGHLIGHT_MS = 2_000;
/** How long a "Try it" waits for its control while the lab is still opening (its panels are drawn then). */
const WAIT_FOR_LAB_MS = 10_000;

/**
 * "Try it" buttons in the text: each brings the control it talks about into view, focuses it and highlights
 * it, so the thing to act on is one key press from the sentence that asks for it. `reveal` first makes the
 * lab visible where it may not be (the Lab tab on a phone) and opens the part the control is in.
 */
export function wireTryIt(text: ParentNode, lab: HTMLElement, reveal: (button: HTMLButtonElement) => void): void {
  for (const button of text.querySelectorAll<HTMLButtonElement>("button.try-it")) {
    button.addEventListener("click", () => {
      reveal(button);
      void bringIntoView(lab, button.dataset.try ?? "");
    });
  }
}

async function bringIntoView(lab: HTMLElement, spec: string): Promise<void> {
  const control = findControl(lab, spec) ?? (await appears(lab, spec));
  if (!control) return;
  for (let part = control.closest("details"); part; part = part.parentElement?.closest("details") ?? null) part.open = true;
  openPartOf(control);
  centreInView(control);
  if (!focusable(control)) control.tabIndex = -1;
  control.focus({ preventScroll: true });
  control.dataset.highlight = "";
  setTimeout(() => delete control.dataset.highlight, HIGHLIGHT_MS);
}

/** The control, once the lab has drawn it: the clients' panels appear when the lab has opened. */
function appears(lab: HTMLElement, spec: string): Promise<HTMLElement | undefined> {
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const control = findControl(lab, spec);
      if (control) done(control);
    });
    const timer = setTimeout(() => done(undefined), WAIT_FOR_LAB_MS);
    const done = (control: HTMLElement | undefined) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(control);
    };
    observer.observe(lab, { childList: true, subtree: true });
  });
}

/**
 * Scrolls the control to the middle of the box that scrolls it. On a wide screen that is the pinned lab
 * column alone: scrollIntoView would also move the page, and the text the learner is reading with it.
 */
function centreInView(control: HTMLElement): void {
  let scrolled = false;
  // Inner boxes first (a scrolling list inside the lab), then the lab column; never the page itself.
  for (let box = control.parentElement; box && box !== document.body; box = box.parentElement) {
    const overflow = getComputedStyle(box).overflowY;
    if ((overflow !== "auto" && overflow !== "scroll") || box.scrollHeight <= box.clientHeight) continue;
    const offset = control.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTo({ top: box.scrollTop + offset - (box.clientHeight - control.offsetHeight) / 2 });
    scrolled = true;
  }
  if (!scrolled) control.scrollIntoView({ block: "center" });
}

function focusable(element: HTMLElement): boolean {
  return element.matches("button, input, select, textarea, summary, a[href], [tabindex]");
}
