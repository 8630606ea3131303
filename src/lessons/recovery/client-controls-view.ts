import type { VirtualClient } from "../../client/virtual-client.js";
import { part } from "../../client/ui/dom.js";

/** "Send last message id on reconnect": a client option, so it takes effect on a new connection. */
export function mountTrackOffset(panel: HTMLElement, client: VirtualClient): void {
  const trackOffset = part<HTMLInputElement>(panel, "input[name=track-offset]");
  trackOffset.addEventListener("change", () => client.useOptions({ ...client.clientOptions, trackOffset: trackOffset.checked }));
}
