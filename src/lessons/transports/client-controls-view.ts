import type { LabInfo } from "../../shared/lab-api.js";
import type { VirtualClient } from "../../client/virtual-client.js";
import { part } from "../../client/ui/dom.js";
import { reportLabAction } from "../../client/lab-actions.js";
import { groupDigits } from "../../client/ui/format.js";

/**
 * The Transports lesson's buttons: a burst the server answers with several events (batched in one body over
 * polling, one frame each over WebSocket), and one emit over the lab's size limit, sent past the form's check
 * so the real server's refusal shows.
 */
export function mountWireControls(panel: HTMLElement, client: VirtualClient, lab: LabInfo): void {
  const burst = panel.querySelector<HTMLButtonElement>(".ask-burst");
  if (!burst) return;
  const oversized = part<HTMLButtonElement>(panel, ".send-oversized");
  const note = part<HTMLElement>(panel, ".wire-note");
  const max = lab.limits.maxPayloadBytes;
  const size = max + 1024;
  note.textContent = `The lab's maxHttpBufferSize is ${groupDigits(max)} bytes; the oversized message carries ${groupDigits(size)}.`;
  burst.addEventListener("click", () => {
    client.emit("burst", [5], null);
    reportLabAction({ type: "emit", client: client.name, event: "burst", args: [5] });
  });
  oversized.addEventListener("click", () => {
    client.emit("big", ["x".repeat(size)], null);
    // Over a scenario's 4 KB of arguments: the recorder notes it is left out.
    reportLabAction({ type: "emit", client: client.name, event: "big", args: ["x".repeat(size)] });
  });
}
