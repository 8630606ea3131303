/** Where the learner's choice, open or collapsed, is kept for the wide-screen sidebar. */
const KEY = "playground:course-nav";
/** The same breaks as CourseContents.astro's CSS: a rail from 64rem, open by default from 100rem. */
const WIDE = "(min-width: 64rem)";
const VERY_WIDE = "(min-width: 100rem)";

/** Whether the wide-screen sidebar is open: as the learner last left it, else open only on a very wide screen. */
export function sidebarOpen(stored: string | null, veryWide: boolean): boolean {
  if (stored === "open") return true;
  if (stored === "collapsed") return false;
  return veryWide;
}

/**
 * Wires the course sidebar's toggle. On a wide screen it opens and collapses the rail, and the choice is
 * remembered; on a phone it opens the drawer for this visit only, and a step chosen in it closes it again.
 * Until the learner chooses, the CSS decides by the screen's width, so the page does not move as it loads.
 */
export function mountCourseNav(nav: HTMLElement, storage: Storage = localStorage): void {
  const toggle = nav.querySelector<HTMLButtonElement>(".course-nav-toggle");
  if (!toggle) return;
  const wide = window.matchMedia(WIDE);
  const veryWide = window.matchMedia(VERY_WIDE);
  const stored = () => {
    try {
      return storage.getItem(KEY);
    } catch {
      return null;
    }
  };
  const show = (open: boolean, explicit: boolean) => {
    if (explicit) nav.dataset.expanded = String(open);
    else delete nav.dataset.expanded;
    toggle.setAttribute("aria-expanded", String(open));
  };
  const fromScreen = () => {
    if (!wide.matches) return show(false, true);
    const choice = stored();
    show(sidebarOpen(choice, veryWide.matches), choice !== null);
  };
  fromScreen();
  wide.addEventListener("change", fromScreen);
  veryWide.addEventListener("change", fromScreen);
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    show(open, true);
    if (!wide.matches) return;
    try {
      storage.setItem(KEY, open ? "open" : "collapsed");
    } catch {
      // Storage refused (private mode, full): the choice lasts for this page only.
    }
  });
  nav.addEventListener("click", (click) => {
    if (!wide.matches && (click.target as HTMLElement).closest(".course-nav-body a[href^='#']")) show(false, true);
  });
}
