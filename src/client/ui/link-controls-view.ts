import type { LabInfo } from "../../shared/lab-api.js";
import type { LinkState } from "../../shared/network.js";
import { labControl } from "../lab-control.js";
import { part } from "./dom.js";
import { mountPacketFaults } from "./packet-faults-view.js";

/**
 * Drop, Blackhole, Offline, Block WebSocket, Latency, Jitter and Kick for one named client: each a call to
 * the lab, whose answer sets the control. Used by the client panels and by the code playground's client.
 */
export function mountLinkControls(root: HTMLElement, lab: LabInfo, name: string, { syncNow = true } = {}): { refresh(): void } {
  const error = part<HTMLElement>(root, ".fault-error");
  const blackhole = part<HTMLButtonElement>(root, ".fault-blackhole");
  const offline = part<HTMLButtonElement>(root, ".fault-offline");
  const blockWebSocket = part<HTMLButtonElement>(root, ".fault-block-websocket");
  const latency = part<HTMLInputElement>(root, "input[name=latency]");
  const jitter = part<HTMLInputElement>(root, "input[name=jitter]");

  const show = (state: LinkState) => {
    blackhole.setAttribute("aria-pressed", String(state.blackhole));
    offline.setAttribute("aria-pressed", String(state.offline));
    blockWebSocket.setAttribute("aria-pressed", String(state.blockWebSocket));
    latency.value = String(state.latencyMs);
    jitter.value = String(state.jitterMs);
  };
  const run = async (action: () => Promise<LinkState | unknown>) => {
    try {
      const answer = await action();
      error.textContent = "";
      if (answer && typeof answer === "object" && "blackhole" in answer) show(answer as LinkState);
    } catch (thrown) {
      error.textContent = thrown instanceof Error ? thrown.message : String(thrown);
    }
  };
  const pressed = (button: HTMLButtonElement) => button.getAttribute("aria-pressed") === "true";

  // Faults outlive the page: show what the lab says this client's link is now (unknown yet means healthy).
  const refresh = () =>
    void labControl
      .getLink(lab, name)
      .then(show)
      .catch(() => undefined);
  if (syncNow) refresh();
  part<HTMLButtonElement>(root, ".fault-drop").addEventListener("click", () => void run(() => labControl.drop(lab, name)));
  part<HTMLButtonElement>(root, ".fault-kick").addEventListener("click", () => void run(() => labControl.kick(lab, name)));
  blackhole.addEventListener("click", () => void run(() => labControl.setLink(lab, name, { blackhole: !pressed(blackhole) })));
  offline.addEventListener("click", () => void run(() => labControl.setLink(lab, name, { offline: !pressed(offline) })));
  blockWebSocket.addEventListener(
    "click",
    () => void run(() => labControl.setLink(lab, name, { blockWebSocket: !pressed(blockWebSocket) })),
  );
  const setDelay = () =>
    void run(() => labControl.setLink(lab, name, { latencyMs: Number(latency.value) || 0, jitterMs: Number(jitter.value) || 0 }));
  latency.addEventListener("change", setDelay);
  jitter.addEventListener("change", setDelay);
  mountPacketFaults(root, lab, name);
  return { refresh };
}
