/**
 * The "Server code" box before its editor opens: which code the lab runs, the exercise's hints, and the
 * "Edit server code" button. Monaco and the server's types (megabytes) load only when the learner presses it.
 */
import { mountHints } from "./hints-view.js";
import type { LabInfo } from "../../shared/lab-api.js";
import type { LabFeed } from "../lab-feed.js";
import { describeServerCode, isFallback } from "../code/server-code.js";
import { part } from "./dom.js";

export interface ServerCodeContext {
  lab: LabInfo;
  slug: string;
  feed: LabFeed;
}

/** What the box and its editor share: the code the lab runs now, told to whoever shows it. */
export interface ServerCodeState {
  readonly source: "lesson" | "learner";
  set(source: "lesson" | "learner", why?: string): void;
  /** Told after every change, whoever made it (an action, or the lab going back by itself). */
  onChange(listener: () => void): void;
}

export function mountServerCode(root: HTMLElement, context: ServerCodeContext): void {
  const { lab, slug, feed } = context;
  const running = part<HTMLElement>(root, ".server-running");
  const edit = part<HTMLButtonElement>(root, ".edit-server-code");
  const status = part<HTMLElement>(root, ".server-status");

  let source = lab.serverCode ?? "lesson";
  const listeners: (() => void)[] = [];
  const state: ServerCodeState = {
    get source() {
      return source;
    },
    set(next, why) {
      source = next;
      lab.serverCode = next;
      root.dataset.serverCode = next;
      running.textContent = why ? `${describeServerCode(next)} ${why}` : describeServerCode(next);
      for (const listener of listeners) listener();
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
  state.set(source);

  // The lab stops learner code that hits a limit and goes back to the lesson's code by itself. The feed
  // replays old lines too, so ask the lab what it runs rather than trust the line alone.
  feed.on("entry", (entry) => {
    if (!isFallback(entry) || state.source !== "learner") return;
    void fetch(`/api/labs/${encodeURIComponent(lab.id)}/server-code`)
      .then((response) => response.json() as Promise<{ source?: "lesson" | "learner" }>)
      .then((answer) => {
        if (answer.source === "lesson" && state.source === "learner")
          state.set("lesson", `${entry.message} It went back to the lesson's code.`);
      })
      .catch(() => undefined);
  });

  mountHints(root, "That is every hint: Show solution compares yours with a working server.");

  // Disabled in the page until now: a click before the lab is open would do nothing at all.
  edit.disabled = false;
  edit.addEventListener("click", () => {
    edit.disabled = true;
    status.textContent = "Loading the editor…";
    import("../code/server-editor.js")
      .then(({ openServerEditor }) => openServerEditor(root, { lab, slug, feed, state }))
      .then(() => {
        edit.hidden = true;
        status.textContent = "Ready: the editor has the focus. Run on my lab puts your code on your lab's server.";
      })
      .catch((error: unknown) => {
        edit.disabled = false;
        status.textContent = `The editor could not load: ${error instanceof Error ? error.message : String(error)}`;
      });
  });
}
