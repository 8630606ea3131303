import type { VirtualClient } from "../../client/virtual-client.js";
import { part } from "../../client/ui/dom.js";
import { reportLabAction } from "../../client/lab-actions.js";

/** "Shared text": each keystroke is an `editing` event, and an `editing` event received replaces the text. */
export function mountSharedText(panel: HTMLElement, client: VirtualClient): void {
  const shared = part<HTMLTextAreaElement>(panel, "textarea[name=shared]");
  client.on("received", (entry) => {
    if (entry.kind === "event" && entry.event === "editing" && typeof entry.args[0] === "string") shared.value = entry.args[0];
  });
  shared.addEventListener("input", () => {
    client.emit("editing", [shared.value], null);
    // A recording keeps the text as typed, not a step per keystroke.
    reportLabAction({ type: "emit", client: client.name, event: "editing", args: [shared.value], coalesce: true });
  });
}
