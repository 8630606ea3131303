/**
 * The "Server code" box's listing of the lesson's `server.ts`. It is a fragment of its own
 * (src/pages/lesson-code): in the page it would have made each lesson's HTML miss the first TCP round trip,
 * which on a phone's connection delays the first paint and the lab by a whole round trip (150 ms and more).
 * It is fetched once the page has loaded and the browser is idle, so it never competes with the lab opening.
 */
export function loadServerListing(host: HTMLElement): void {
  const url = host.dataset.listing;
  if (!url) return;
  const fetchListing = () => {
    fetch(url)
      .then((response) => {
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        return response.text();
      })
      .then((html) => {
        // The site's own build output, from the same origin: nothing of a visitor's is in it.
        host.innerHTML = html;
        host.removeAttribute("aria-busy");
      })
      .catch((error: unknown) => {
        host.removeAttribute("aria-busy");
        const note = host.querySelector(".listing-note");
        if (note)
          note.textContent = `The file could not load (${error instanceof Error ? error.message : String(error)}). Reload the page to try again.`;
      });
  };
  const whenIdle = () =>
    "requestIdleCallback" in window ? requestIdleCallback(fetchListing, { timeout: 2000 }) : setTimeout(fetchListing, 0);
  if (document.readyState === "complete") whenIdle();
  else window.addEventListener("load", whenIdle, { once: true });
}
