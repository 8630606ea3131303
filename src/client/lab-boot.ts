import type { LabInfo } from "../shared/lab-api.js";
import { afterFirstPaint } from "./first-paint.js";
import { labFromAnswer, openLab, readLab, requestLab } from "./lab-api.js";
import { takeEarlyLab } from "./lab-early.js";
import { LAB_SHOWN, labOffScreen } from "./lab-on-screen.js";
import { learnerId } from "./learner.js";
import { LabSession } from "./lab-session.js";
import { nextTask } from "./next-task.js";
import { initialTarget, targetPath } from "./ui/scaling-view.js";

/** A lab page's lab, opened, with its first clients connecting and their news held for the views. */
export interface BootedLab {
  lab: LabInfo;
  session: LabSession;
  /** Adds a named client the way the page does (a Scaling lab's next client goes to the next node). */
  addClient(name: string): void;
}

/** Which lab a page opens, and its first clients: a lab root's `data-lesson` and `data-clients`. */
export interface LabSpec {
  lesson: string;
  clients: string[];
  /** The lesson page the lab sits in, whose `data-tab` says whether a phone shows it; none in an embed. */
  page?: HTMLElement | null;
}

/** The spec an element carries in its `data-lesson` and `data-clients`, and the lesson page it is in. */
export function labSpecOf(element: HTMLElement): LabSpec {
  return {
    lesson: element.dataset.lesson ?? "",
    clients: JSON.parse(element.dataset.clients ?? "[]") as string[],
    page: element.closest<HTMLElement>("[data-lesson-page][data-tab]"),
  };
}

/**
 * How long a lab behind a phone's Lab tab waits for the page's first paint at most: only a page that is
 * shown and never draws waits this long.
 */
const FIRST_PAINT_WAIT_MS = 3000;

const booted = new Map<string, Promise<BootedLab>>();

/**
 * Opens a lesson's lab and connects its first clients, once per page and lesson. A lab page runs this from
 * its first module (LabBoot.astro), which loads only socket.io-client and the lab session and runs as soon
 * as they have loaded (`async`, scripts/modulepreload.mjs), before the page has even finished parsing: the
 * handshakes are on the wire while the lab's views, most of the page's code, still load. The views take
 * the session from here (`startLab`) and `release()` it once they listen.
 */
export function bootLab({ lesson, clients, page = null }: LabSpec): Promise<BootedLab> {
  let lab = booted.get(lesson);
  if (!lab) {
    lab = openBootedLab(lesson, clients, page);
    booted.set(lesson, lab);
  }
  return lab;
}

async function openBootedLab(lesson: string, clients: readonly string[], page: HTMLElement | null): Promise<BootedLab> {
  const learner = learnerId();
  // The lesson page's <head> may have asked already (lab-early.ts); if that request never got an answer
  // (the network failed), it is sent again. Its JSON may be read already: then no task is needed here.
  const early = takeEarlyLab(lesson, learner);
  const lab =
    early?.body !== undefined
      ? labFromAnswer(early.body)
      : await (early ? readLab(early.response.catch(() => requestLab(lesson, learner))) : openLab(lesson, learner));
  const session = new LabSession(lab, location.origin, { held: true });
  const addClient = (name: string) => {
    // In the Scaling lab each client connects to one node (Alice to A, Bob to B) until the learner says otherwise.
    const options = lab.scaling ? { path: targetPath(lab.scaling, initialTarget(lab.scaling, session.clients.length)) } : {};
    session.addClient(name, { options });
  };
  // A phone's lab is behind its Lab tab, and its clients connect while the learner reads; they wait for the
  // page's first paint, unless the learner opens the tab first. Lighthouse loads the page unthrottled and
  // simulates a phone from that load: a handshake answered before the first paint counts as something the
  // paint waited for (LCP ~1.6 s became 2.0-2.2 s in about one run in three: bench/results/lighthouse.md).
  // On a throttled phone the first paint usually comes before this module has loaded, but its timing entry
  // may come later, behind the page's own tasks (70-100 ms at ×6 CPU: bench/results/lab-open.md).
  if (labOffScreen(page)) {
    await afterFirstPaint({
      cut: (go) => document.addEventListener(LAB_SHOWN, go, { once: true }),
      timeoutMs: FIRST_PAINT_WAIT_MS,
    });
  }
  // One client per task. In Lighthouse's (unthrottled) trace of the Emit page the first module's task took
  // 21 ms with both clients and 12 ms with Alice alone: at a phone's four times slower CPU, one task of
  // ~85 ms while the page loads, which Lighthouse counts as blocking.
  for (const [index, name] of clients.entries()) {
    if (index > 0) await nextTask();
    addClient(name);
  }
  return { lab, session, addClient };
}
