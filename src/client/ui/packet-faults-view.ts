import type { LabInfo } from "../../shared/lab-api.js";
import type { ActivePacketFault, Direction, PacketFault, PacketKind } from "../../shared/packet-faults.js";
import { describePacketFault } from "../../shared/packet-fault-text.js";
import { labControl } from "../lab-control.js";
import { part } from "./dom.js";

/** While the list is open, how often it asks the lab what is left of each fault (they run out as packets pass). */
const REFRESH_MS = 1500;

/** The fault the form describes; the lab checks it and says what is wrong, if anything. */
export function faultFromForm(form: { type: string; direction: string; kind: string; event: string; count: number }): PacketFault {
  const direction = form.direction as Direction;
  const match = { kind: form.kind as PacketKind, ...(form.kind === "event" && form.event.trim() !== "" && { event: form.event.trim() }) };
  const count = form.count;
  switch (form.type) {
    case "drop-every":
      return { type: "drop", direction, match, every: count };
    case "delayAcks":
      return { type: "delayAcks", direction, delayMs: count };
    case "duplicate":
      return { type: "duplicate", direction, match, next: count };
    case "closeAfter":
      return { type: "closeAfter", direction, packets: count };
    default:
      return { type: "drop", direction, match, next: count };
  }
}

function remainingText(fault: ActivePacketFault): string {
  return fault.remaining === undefined ? "" : ` (${fault.remaining} left)`;
}

/** The "Packet faults" part of one client's Network box: add a fault, see those on the link, end one. */
export function mountPacketFaults(root: HTMLElement, lab: LabInfo, name: string): void {
  const details = part<HTMLDetailsElement>(root, ".packet-faults");
  const form = part<HTMLFormElement>(root, ".packet-fault-form");
  const list = part<HTMLUListElement>(root, ".packet-fault-list");
  const error = part<HTMLElement>(root, ".packet-fault-error");
  const field = (key: string) => (form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement).value;

  const show = (faults: ActivePacketFault[]) => {
    list.replaceChildren(
      ...faults.map((fault) => {
        const item = document.createElement("li");
        const text = describePacketFault(fault, name);
        item.append(`${text}${remainingText(fault)} `);
        const end = document.createElement("button");
        end.type = "button";
        end.textContent = "End";
        end.setAttribute("aria-label", `End ${text}`);
        end.addEventListener("click", () => void run(() => labControl.endPacketFault(lab, name, fault.id)));
        item.append(end);
        return item;
      }),
    );
  };
  const refresh = async () => show(await labControl.packetFaults(lab, name));
  const run = async (action: () => Promise<unknown>) => {
    try {
      await action();
      error.textContent = "";
      await refresh();
    } catch (thrown) {
      error.textContent = thrown instanceof Error ? thrown.message : String(thrown);
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const fault = faultFromForm({
      type: field("type"),
      direction: field("direction"),
      kind: field("kind"),
      event: field("event"),
      count: Number(field("count")),
    });
    void run(() => labControl.addPacketFault(lab, name, fault));
  });
  let timer: number | undefined;
  details.addEventListener("toggle", () => {
    window.clearInterval(timer);
    timer = undefined;
    if (!details.open) return;
    void refresh().catch(() => undefined);
    timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void refresh().catch(() => undefined);
    }, REFRESH_MS);
  });
}
