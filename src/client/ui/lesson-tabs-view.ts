import { LAB_SHOWN } from "../lab-on-screen.js";

/**
 * On a narrow screen the lesson is two tabs, "Read" and "Lab", instead of a lab 7,000 px below the text.
 * The page's CSS shows one of the two from the page's `data-tab`, before any script runs, so nothing
 * jumps; this keeps `data-tab` and the tabs' ARIA in step. On a wide screen the strip is not shown and
 * text and lab are side by side, plain regions.
 */
export interface LessonTabs {
  showLab(): void;
  showText(): void;
}

/** The lists whose new entries are news for a learner on the Read tab. */
const NEWS = "ol.server-log, ol.received";

export function startLessonTabs(page: HTMLElement, strip: HTMLElement, narrow: MediaQueryList): LessonTabs {
  const readTab = strip.querySelector<HTMLButtonElement>("[data-tab=read]");
  const labTab = strip.querySelector<HTMLButtonElement>("[data-tab=lab]");
  const badge = strip.querySelector<HTMLElement>(".lab-badge");
  const badgeText = strip.querySelector<HTMLElement>("#lab-badge-text");
  if (!readTab || !labTab) throw new Error("the lesson tabs need a Read and a Lab tab");
  const panels = [
    [readTab, document.getElementById(readTab.getAttribute("aria-controls") ?? "")],
    [labTab, document.getElementById(labTab.getAttribute("aria-controls") ?? "")],
  ] as const;

  const apply = () => {
    const tabbed = narrow.matches;
    const selected = page.dataset.tab;
    for (const [tab, panel] of panels) {
      const active = tab.dataset.tab === selected;
      tab.setAttribute("aria-selected", String(active));
      tab.tabIndex = active ? 0 : -1;
      if (!panel) continue;
      if (tabbed) {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
      } else {
        panel.removeAttribute("role");
        panel.removeAttribute("aria-labelledby");
      }
    }
    if (selected === "lab") news(false);
  };

  const news = (on: boolean) => {
    if (badge) badge.hidden = !on;
    if (badgeText) badgeText.textContent = on ? "New activity in the lab" : "";
  };

  const select = (name: "read" | "lab", focus = false) => {
    page.dataset.tab = name;
    apply();
    // The lab opens now, not a frame later when its observer sees it come into view (Lab.astro).
    if (name === "lab") panels[1][1]?.dispatchEvent(new Event(LAB_SHOWN, { bubbles: true }));
    if (focus) (name === "read" ? readTab : labTab).focus();
    // The other tab's content starts where the learner left it; a fresh switch starts at the top of the tabs.
    if (narrow.matches && strip.getBoundingClientRect().top < 0) strip.scrollIntoView({ block: "start" });
  };
  readTab.addEventListener("click", () => select("read"));
  labTab.addEventListener("click", () => select("lab"));
  // Arrow keys move between the two tabs, as in any tab strip.
  strip.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    select(page.dataset.tab === "read" ? "lab" : "read", true);
  });
  narrow.addEventListener("change", apply);
  apply();

  // Something the learner caused arrived while they were reading: a server log line or a client's
  // "Received". Heartbeats and the timeline's redraws do not count.
  const lab = panels[1][1];
  if (lab) {
    new MutationObserver((records) => {
      if (!narrow.matches || page.dataset.tab !== "read") return;
      if (records.some((record) => record.addedNodes.length > 0 && record.target instanceof Element && record.target.matches(NEWS)))
        news(true);
    }).observe(lab, { childList: true, subtree: true });
  }

  return { showLab: () => select("lab"), showText: () => select("read") };
}
