import type { LabFeed } from "../lab-feed.js";

/** When the feed says the lab has closed, the lab's status line says so and offers a fresh lab. */
export function showLabClosed(status: HTMLElement, feed: LabFeed): () => void {
  return feed.on("closed", () => {
    status.dataset.state = "error";
    // Idle eviction, or (with several playground processes) the process that held the lab restarted.
    status.textContent = "This lab has closed: it sat idle too long, or the server that held it restarted. ";
    const fresh = document.createElement("button");
    fresh.type = "button";
    fresh.textContent = "Open a fresh lab";
    fresh.addEventListener("click", () => location.reload());
    status.append(fresh);
  });
}
