import type { InspectorSnapshot } from "../../shared/inspector.js";
import type { LabInfo } from "../../shared/lab-api.js";
import type { Timeline } from "../timeline/timeline.js";
import type { VirtualClient } from "../virtual-client.js";

/** What a lesson's own lab box gets once the lab is open. */
export interface LabPartContext {
  lab: LabInfo;
  slug: string;
  /** The lab's wire record, for a box that runs clients of its own. */
  timeline: Timeline;
  /** The lab's clients now: they come and go as the learner adds and removes them. */
  clients(): VirtualClient[];
}

/** What the lab tells a lesson's box after mounting it; each is optional. */
export interface LabPartHooks {
  /** The newest inspector snapshot, at most once a frame. */
  showSnapshot?(snapshot: InspectorSnapshot): void;
  clientsChanged?(): void;
}

/** Mounts a lesson's box found under the lab's root; does nothing when its markup is not on the page. */
export type LabPart = (root: HTMLElement, context: LabPartContext) => LabPartHooks | undefined;

/** How a client's panel answers a question the server asked it with an ack. */
export interface Answering {
  /** The value "Send answer" replies with. */
  reply(): unknown;
  /** Whether to answer as the question arrives, without waiting for the button. */
  immediately(): boolean;
}

/** What a lesson's client controls tell the panel they were mounted in; each is optional. */
export interface ClientPartHooks {
  answering?: Answering;
}

/** Mounts a lesson's own controls in one client's panel, for Alice, Bob and every client added. */
export type ClientPart = (panel: HTMLElement, client: VirtualClient, lab: LabInfo) => ClientPartHooks | void;

const labParts: LabPart[] = [];
const clientParts: ClientPart[] = [];

/**
 * A lesson's component registers its behaviour from its own `<script>`, beside its markup, so the generic
 * lab knows no lesson by name. Only the components on the page register, so a page runs only its lesson's code.
 */
export function addLabPart(part: LabPart): void {
  labParts.push(part);
}

export function addClientPart(part: ClientPart): void {
  clientParts.push(part);
}

/**
 * The parts registered once every script of the page has run: module scripts run in document order before
 * DOMContentLoaded, so waiting for it means no lesson script that comes after the lab's is missed. The
 * document's readyState is already "interactive" while they run, so it cannot tell; the navigation's
 * timing entry can (its DOMContentLoaded start stays 0 until the event).
 */
export async function lessonParts(): Promise<{ lab: readonly LabPart[]; client: readonly ClientPart[] }> {
  const [navigation] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
  if (document.readyState === "loading" || navigation?.domContentLoadedEventStart === 0) {
    await new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
  }
  return { lab: labParts, client: clientParts };
}
