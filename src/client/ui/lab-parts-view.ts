import type { StepParts } from "../../shared/step-parts.js";
import { findControl } from "./find-control.js";

/**
 * The lab follows the step: the parts a step uses (its `labParts:` in the lesson's frontmatter, and the
 * parts holding its "Try it" controls) are open and marked "Used in this step"; the others close to their
 * heading line, with a live one-line summary, and open again by their heading's button. A part opened by
 * hand stays open until the learner closes it or moves to another step, which shows that step's parts
 * afresh. A step that declares nothing shows the whole lab, and so does "Show the whole lab" while pressed
 * (remembered for the browser tab's session, so a reload keeps the learner's choice).
 * Closing is only CSS on the part: its views keep running, its clients stay connected.
 */
export interface LabPartsView {
  showStep(step: HTMLElement): void;
}

const PART = "[data-lab-part]";
/** Where "Show the whole lab" is remembered: this tab only, like the step the learner is on. */
const WHOLE_KEY = "socket-io-playground:whole-lab";

export function startLabParts(container: HTMLElement, lab: HTMLElement): LabPartsView {
  const declared = JSON.parse(container.dataset.stepParts ?? "{}") as StepParts;
  const whole = lab.querySelector<HTMLButtonElement>(".whole-lab");
  const wired = new WeakSet<HTMLElement>();
  let step: HTMLElement | undefined;
  let showWhole = readWhole();

  const parts = () => [...lab.querySelectorAll<HTMLElement>(PART)].filter((part) => part.dataset.labPart);

  /** Shows the step's parts: all of them, or (for a client panel just drawn) only those not shown yet. */
  const apply = (which: "all" | "new" = "all") => {
    if (!step) return;
    const listed = declared[step.dataset.step ?? ""];
    const used = new Set([...(listed ?? []), ...tryItParts(step, lab)]);
    for (const part of parts()) {
      if (which === "new" && wired.has(part)) continue;
      if (!wired.has(part)) wire(part);
      const name = part.dataset.labPart ?? "";
      part.toggleAttribute("data-used", used.has(name));
      setOpen(part, showWhole || listed === undefined || used.has(name));
    }
  };

  /** Once per part: its button and its summary's watch. */
  function wire(part: HTMLElement): void {
    wired.add(part);
    const toggle = toggleOf(part);
    toggle?.addEventListener("click", () => setOpen(part, part.hasAttribute("data-collapsed")));
    watchSummary(part);
  }

  if (whole && Object.keys(declared).length > 0) {
    whole.hidden = false;
    whole.setAttribute("aria-pressed", String(showWhole));
    whole.addEventListener("click", () => {
      showWhole = !showWhole;
      whole.setAttribute("aria-pressed", String(showWhole));
      writeWhole(showWhole);
      apply();
    });
  }
  // Client panels come and go (the lab draws them once open, the learner adds and removes them).
  const clients = lab.querySelector(".clients");
  if (clients) new MutationObserver(() => apply("new")).observe(clients, { childList: true });

  return {
    showStep(next) {
      step = next;
      apply();
    },
  };
}

function readWhole(): boolean {
  try {
    return sessionStorage.getItem(WHOLE_KEY) === "1";
  } catch {
    return false; // storage refused (a private mode): the choice lasts for the page
  }
}

function writeWhole(whole: boolean): void {
  try {
    if (whole) sessionStorage.setItem(WHOLE_KEY, "1");
    else sessionStorage.removeItem(WHOLE_KEY);
  } catch {
    // As above: not remembered, still applied.
  }
}

/** Opens the parts that hold `element` (a "Try it" calls it before it focuses its control). */
export function openPartOf(element: Element): void {
  for (let part = element.closest<HTMLElement>(PART); part; part = part.parentElement?.closest<HTMLElement>(PART) ?? null) {
    setOpen(part, true);
  }
}

function setOpen(part: HTMLElement, open: boolean): void {
  const was = !part.hasAttribute("data-collapsed");
  part.toggleAttribute("data-collapsed", !open);
  toggleOf(part)?.setAttribute("aria-expanded", String(open));
  // An open part shows its own words: its summary is written only while closed, never a second copy.
  if (!open && was) updateSummary(part);
  if (open) clearSummary(part);
  describe(part);
}

function clearSummary(part: HTMLElement): void {
  const summary = part.querySelector<HTMLElement>(":scope > .part-head .part-summary");
  if (summary) summary.textContent = "";
}

function toggleOf(part: HTMLElement): HTMLButtonElement | null {
  return part.querySelector<HTMLButtonElement>(":scope > .part-head .part-toggle");
}

/** The button says what its heading line shows besides the name: the mark, and a closed part's summary. */
function describe(part: HTMLElement): void {
  const toggle = toggleOf(part);
  if (!toggle) return;
  const ids: string[] = [];
  const used = part.querySelector<HTMLElement>(":scope > .part-head .part-used");
  const summary = part.querySelector<HTMLElement>(":scope > .part-head .part-summary");
  const status = part.querySelector<HTMLElement>(":scope > .part-keep");
  for (const [element, shown] of [
    [used, part.hasAttribute("data-used")],
    [status, part.hasAttribute("data-collapsed")],
    [summary, part.hasAttribute("data-collapsed") && summary?.textContent !== ""],
  ] as const) {
    if (!element || !shown) continue;
    element.id ||= `${toggleId(toggle)}-${ids.length + 1}`;
    ids.push(element.id);
  }
  if (ids.length > 0) toggle.setAttribute("aria-describedby", ids.join(" "));
  else toggle.removeAttribute("aria-describedby");
}

let toggles = 0;
function toggleId(toggle: HTMLElement): string {
  toggle.id ||= `part-toggle-${++toggles}`;
  return toggle.id;
}

/** The parts a step's "Try it" buttons point into: used by the step whether or not it lists them. */
function tryItParts(step: HTMLElement, lab: HTMLElement): string[] {
  return [...step.querySelectorAll<HTMLElement>("button.try-it")].flatMap((button) => {
    const part = findControl(lab, button.dataset.try ?? "")?.closest<HTMLElement>(PART);
    return part?.dataset.labPart ? [part.dataset.labPart] : [];
  });
}

/**
 * A closed part's summary, from what its markup marks: the text of each `data-part-summary` element
 * ("Your lab runs the lesson's server code.") and the count of each `data-part-count` list
 * (`data-part-count="line|lines"` → "12 lines", leaving out a child marked `data-part-empty`), in the
 * part's order, and kept live as they change.
 */
function watchSummary(part: HTMLElement): void {
  const sources = ownSources(part);
  if (sources.length === 0) return;
  let scheduled = false;
  const observer = new MutationObserver(() => {
    if (scheduled || !part.hasAttribute("data-collapsed")) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      updateSummary(part);
    });
  });
  for (const source of sources) observer.observe(source, { childList: true, characterData: true, subtree: true });
}

function ownSources(part: HTMLElement): HTMLElement[] {
  return [...part.querySelectorAll<HTMLElement>("[data-part-summary], [data-part-count]")].filter(
    (source) => source.closest(PART) === part,
  );
}

function updateSummary(part: HTMLElement): void {
  const summary = part.querySelector<HTMLElement>(":scope > .part-head .part-summary");
  if (!summary) return;
  summary.textContent = summaryOf(ownSources(part));
  describe(part);
}

/** Exported for its unit test: the words of a summary, from its sources. */
export function summaryOf(sources: readonly HTMLElement[]): string {
  return sources
    .map((source) => {
      const count = source.dataset.partCount;
      if (count === undefined) return (source.textContent ?? "").replace(/\s+/g, " ").trim();
      const [one = "", many = one] = count.split("|");
      const n = [...source.children].filter((child) => !(child as HTMLElement).dataset.partEmpty).length;
      return `${n} ${n === 1 ? one : many}`;
    })
    .filter((words) => words !== "")
    .join(" · ");
}
