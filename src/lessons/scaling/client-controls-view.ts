import type { LabInfo } from "../../shared/lab-api.js";
import type { VirtualClient } from "../../client/virtual-client.js";
import { part } from "../../client/ui/dom.js";
import { pathTarget, targetPath } from "../../client/ui/scaling-view.js";

/**
 * One client's "Connects to": a new connection to another node or the balancer, as a client configured
 * with another URL would make. The emit form greets as this client, in the lesson's `chat` event.
 */
export function mountConnectsTo(panel: HTMLElement, client: VirtualClient, lab: LabInfo): void {
  const scaling = lab.scaling;
  if (!scaling) return;
  const target = part<HTMLSelectElement>(panel, "select[name=target]");
  target.value = pathTarget(scaling, client.clientOptions.path);
  target.addEventListener("change", () => client.useOptions({ ...client.clientOptions, path: targetPath(scaling, target.value) }));
  part<HTMLTextAreaElement>(panel, "textarea[name=args]").value = `"hi from ${client.name}"`;
}
