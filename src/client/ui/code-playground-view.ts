import type { LabInfo } from "../../shared/lab-api.js";
import type { LabFeed } from "../lab-feed.js";
import type { Timeline } from "../timeline/timeline.js";
import { part } from "./dom.js";
import { mountHints } from "./hints-view.js";
import { mountLinkControls } from "./link-controls-view.js";

export interface CodePlaygroundContext {
  lab: LabInfo;
  slug: string;
  timeline: Timeline;
  feed: LabFeed;
}

/**
 * The "Try it in code" box before it opens: one button. Monaco and the sandbox (megabytes) load only when
 * the learner presses it, so a lesson page never carries them up front.
 */
export function mountCodePlayground(root: HTMLElement, context: CodePlaygroundContext): void {
  const open = part<HTMLButtonElement>(root, ".open-editor");
  const status = part<HTMLElement>(root, ".run-status");
  // The lab makes Code's link when a run gets its ticket: ask for its state then, not before.
  const network = mountLinkControls(part(root, ".code-network"), context.lab, "Code", { syncNow: false });
  // Disabled in the page until now: a click before the lab is open would do nothing at all.
  open.disabled = false;
  mountHints(root, "That is every hint: Show solution, in the editor, compares yours with a working one.");
  open.addEventListener("click", () => {
    open.disabled = true;
    status.textContent = "Loading the editor…";
    import("../code/playground.js")
      .then(({ openPlayground }) => openPlayground(root, { ...context, onLinkChanged: network.refresh }))
      .then(() => {
        open.hidden = true;
        status.textContent = "Ready: the editor has the focus.";
      })
      .catch((error: unknown) => {
        open.disabled = false;
        status.textContent = `The editor could not load: ${error instanceof Error ? error.message : String(error)}`;
      });
  });
}
