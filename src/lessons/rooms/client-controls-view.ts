import type { VirtualClient } from "../../client/virtual-client.js";
import { part } from "../../client/ui/dom.js";
import { reportLabAction } from "../../client/lab-actions.js";

/** Join and leave rooms from one client's panel (Enter in the Room field joins); the panel lights up whenever a `news` event reaches it. */
export function mountRoomControls(panel: HTMLElement, client: VirtualClient): void {
  const join = panel.querySelector<HTMLButtonElement>(".join-room");
  if (!join) return;
  const leave = part<HTMLButtonElement>(panel, ".leave-room");
  const room = part<HTMLInputElement>(panel, "input[name=room]");
  const error = part<HTMLElement>(panel, ".room-error");
  const act = async (event: "join" | "leave") => {
    try {
      const answer = (await client.socket.timeout(3000).emitWithAck(event, room.value.trim())) as string[] | { error: string };
      error.textContent = Array.isArray(answer) ? "" : answer.error;
      if (Array.isArray(answer)) reportLabAction({ type: event, client: client.name, room: room.value.trim() });
    } catch (thrown) {
      error.textContent = thrown instanceof Error ? `${thrown.message}: is ${client.name} connected?` : String(thrown);
    }
  };
  // Join is the form's submit button: a click on it and Enter in the Room field both arrive here.
  part<HTMLFormElement>(panel, "form.room-controls").addEventListener("submit", (submit) => {
    submit.preventDefault();
    void act("join");
  });
  leave.addEventListener("click", () => void act("leave"));
  let timer: ReturnType<typeof setTimeout> | undefined;
  client.on("received", (entry) => {
    if (entry.event !== "news") return;
    panel.classList.add("lit");
    clearTimeout(timer);
    timer = setTimeout(() => panel.classList.remove("lit"), 1500);
  });
}
