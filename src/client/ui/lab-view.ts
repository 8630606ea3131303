import type { LinkTraffic } from "../../shared/network.js";
import { bootLab, labSpecOf, type BootedLab } from "../lab-boot.js";
import { labControl } from "../lab-control.js";
import { tapLabControl } from "../lab-actions.js";
import type { VirtualClient } from "../virtual-client.js";
import { publishLab } from "./lab-handle.js";
import { mountClientPanel } from "./client-panel-view.js";
import type { InspectorSnapshot } from "../../shared/inspector.js";
import { mountInspector } from "./inspector-view.js";
import { mountCodePlayground } from "./code-playground-view.js";
import { mountServerCode } from "./server-code-view.js";
import { lessonParts, type LabPartHooks } from "./lesson-ui.js";
import { mountSettings } from "./settings-view.js";
import { mountTimeline } from "./timeline-view.js";
import { showServerLog } from "./server-log-view.js";
import { showLabClosed } from "./lab-closed-view.js";
import { part } from "./dom.js";
import { perFrame } from "./format.js";

/** Names for clients the learner adds, in order; a lab allows at most as many as its client limit. */
const CLIENT_NAMES = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi"];

/**
 * Draws the learner's lab for this lesson and drives its clients and server log. The lab was opened, and its
 * first clients started, by the page's first module (lab-boot.ts); their news waits until every view here
 * listens.
 */
export async function startLab(root: HTMLElement): Promise<void> {
  const lesson = root.dataset.lesson ?? "";
  const status = part<HTMLElement>(root, ".lab-status");
  const addButton = part<HTMLButtonElement>(root, ".add-client");
  const restartButton = part<HTMLButtonElement>(root, ".restart-server");
  const container = part<HTMLElement>(root, ".clients");
  const template = part<HTMLTemplateElement>(root, "#client-panel-template");

  // The lesson's parts register while the lab is being opened: neither waits for the other.
  const partsReady = lessonParts();
  let booted: BootedLab;
  try {
    booted = await bootLab(labSpecOf(root));
  } catch (error) {
    status.dataset.state = "error";
    status.textContent = `Your lab could not be opened: ${error instanceof Error ? error.message : String(error)} Reload the page to try again.`;
    return;
  }
  const { lab, session, addClient } = booted;
  const { pingInterval, pingTimeout } = lab.server;
  status.textContent = `Lab ready: a real Socket.IO server for you alone. Heartbeat: pingInterval ${pingInterval / 1000} s, pingTimeout ${pingTimeout / 1000} s.`;

  // What the learner does through the control API can be recorded as a scenario (scenario-record-view.ts).
  tapLabControl(labControl);
  const parts = await partsReady;
  const { timeline, feed } = session;
  /** What each client's panel shows from the inspector's snapshots, by client name. */
  const panels = new Map<string, { showTraffic(traffic: LinkTraffic): void; showNode(node: string | undefined): void }>();
  /** The lesson's own boxes' hooks, once they are mounted (after the clients have started connecting). */
  let partHooks: LabPartHooks[] = [];
  const argsHint = root.querySelector<HTMLElement>("#args-hint");
  const updateAddButton = () => {
    addButton.disabled = session.clients.length >= Math.min(lab.limits.maxClientsPerLab, CLIENT_NAMES.length);
    // The hint explains the emit form: a lab with no client panel (Why WebSocket) has none to explain.
    if (argsHint) argsHint.hidden = session.clients.length === 0;
  };

  /** The panel of each client, by client: a scenario replaces clients in the session, and the panels follow. */
  const panelOf = new Map<VirtualClient, HTMLElement>();
  function mountPanel(client: VirtualClient): HTMLElement {
    const { name } = client;
    const panel = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
    const shows = mountClientPanel(panel, client, {
      lab,
      onRemove: () => {
        session.removeClient(name);
        addButton.focus();
      },
    });
    for (const mount of parts.client) {
      const hooks = mount(panel, client, lab);
      if (hooks?.answering) shows.answerWith(hooks.answering);
    }
    panels.set(name, shows);
    return panel;
  }
  function followClients(): void {
    const current = session.clients;
    for (const [client, panel] of panelOf) {
      if (current.includes(client)) continue;
      panel.remove();
      panelOf.delete(client);
      if (!session.client(client.name)) panels.delete(client.name);
    }
    current.forEach((client, index) => {
      let panel = panelOf.get(client);
      if (!panel) {
        panel = mountPanel(client);
        panelOf.set(client, panel);
      }
      // In the session's order, moving a panel only when it is out of place (a move would drop its focus).
      if (container.children[index] !== panel) container.insertBefore(panel, container.children[index] ?? null);
    });
  }

  session.onClientsChange(() => {
    followClients();
    updateAddButton();
    for (const hooks of partHooks) hooks.clientsChanged?.();
  });
  // The first clients, connecting since the page's first module ran (lab-boot.ts).
  followClients();
  mountTimeline(part(root, "[data-timeline]"), timeline);
  const settings = root.querySelector<HTMLFieldSetElement>(".lab-settings");
  if (settings) mountSettings(settings, lab);
  const showInspector = mountInspector(part(root, "[data-inspector]"));
  // The lesson's own boxes, registered by their components' scripts.
  partHooks = parts.lab.flatMap((mount) => mount(root, { lab, slug: lesson, timeline, clients: () => session.clients }) ?? []);
  // The server streams a snapshot on every state change, several a second while a client is busy: draw
  // only the newest one each frame.
  const showSnapshot = perFrame((snapshot: InspectorSnapshot) => {
    showInspector(snapshot);
    for (const hooks of partHooks) hooks.showSnapshot?.(snapshot);
    for (const traffic of snapshot.links) panels.get(traffic.client)?.showTraffic(traffic);
    // In a lab of several nodes, the node that holds each client's socket now, found by its socket id.
    if (lab.scaling) {
      for (const client of session.clients) {
        const id = client.status.state === "connected" ? client.status.socketId : undefined;
        panels.get(client.name)?.showNode(snapshot.sockets.find((socket) => socket.id === id)?.node);
      }
    }
  });
  feed.on("snapshot", showSnapshot);
  showLabClosed(status, feed);
  showServerLog(part(root, ".server-log"), feed);
  const playground = root.querySelector<HTMLElement>("[data-code-playground]");
  if (playground) {
    mountCodePlayground(playground, { lab, slug: lesson, timeline, feed });
  }
  const serverCode = root.querySelector<HTMLElement>("[data-server-code]");
  if (serverCode) mountServerCode(serverCode, { lab, slug: lesson, feed });

  for (const hooks of partHooks) hooks.clientsChanged?.();
  updateAddButton();
  restartButton.disabled = false;
  restartButton.addEventListener("click", () => {
    restartButton.disabled = true;
    labControl
      .restart(lab)
      .catch((error: unknown) => {
        status.dataset.state = "error";
        status.textContent = `Restart failed: ${error instanceof Error ? error.message : String(error)}`;
      })
      .finally(() => (restartButton.disabled = false));
  });
  addButton.addEventListener("click", () => {
    const name = CLIENT_NAMES.find((candidate) => !session.client(candidate));
    if (name) addClient(name);
  });
  publishLab(root, { lab, session, addClient });
  // Every view listens now: what the clients and the feed reported since the page's first module started
  // them reaches each, in order.
  session.release();
}
