/** The break below which a lesson page is two tabs, "Read" and "Lab"; the same as the page's CSS (64rem). */
export const NARROW = "(max-width: 63.99rem)";

/** Sent (bubbling) from an element that was just shown, such as the Lab tab's panel: the labs inside it start. */
export const LAB_SHOWN = "playground:lab-shown";

/**
 * Whether a lab is off screen now, behind a phone's Lab tab: `page` is the lesson page it sits in (its
 * `data-tab` says which tab is open), none for a page whose lab is the page (an embed).
 */
export function labOffScreen(page: HTMLElement | null, narrow = window.matchMedia(NARROW).matches): boolean {
  return page !== null && narrow && page.dataset.tab !== "lab";
}
