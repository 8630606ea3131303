import type { LabInfo } from "../../shared/lab-api.js";
import { messageFrame } from "../../shared/wire.js";
import { openLab } from "../lab-api.js";
import { labControl } from "../lab-control.js";
import { learnerId } from "../learner.js";
import { VirtualClient, type ClientStatus } from "../virtual-client.js";
import { part } from "./dom.js";

/** The event the demo sends: the Emit lesson's lab relays any event to the other clients. */
const EVENT = "chat";
/** Bob's list keeps the newest few receipts: the demo's box keeps its height. */
const SHOWN = 3;

/**
 * The home page's demo lab is the Emit lesson's, under a learner id of its own, so that closing it when the
 * page goes never closes the learner's own Emit lab in another tab.
 */
export function demoLearner(learner: string): string {
  return `${learner}-home`;
}

function statusText(status: ClientStatus): string {
  if (status.state === "connecting") return "connecting…";
  if (status.state === "connected") return `connected · id ${status.socketId}`;
  return `disconnected: ${status.reason}${status.willReconnect ? " · reconnecting" : ""}`;
}

/**
 * Opens a real lab and drives the home page's two clients: Alice's Send emits `chat`, Bob lists the frames
 * that reach him, and Drop Alice cuts her connection at the lab so that her client reconnects by itself.
 * Returns what closes it all, the lab included.
 */
export async function startHomeDemo(root: HTMLElement): Promise<() => void> {
  const explain = part<HTMLElement>(root, ".demo-explain");
  const form = part<HTMLFormElement>(root, ".demo-send");
  const send = part<HTMLButtonElement>(root, ".demo-send button");
  const drop = part<HTMLButtonElement>(root, ".demo-drop");
  const message = part<HTMLInputElement>(root, "input[name=message]");
  const sent = part<HTMLElement>(root, ".demo-sent");
  const received = part<HTMLOListElement>(root, ".demo-received");
  const statusOf = (name: string) => part<HTMLElement>(root, `[data-demo-status="${name}"]`);

  explain.textContent = "Opening a lab for you: a real Socket.IO server…";
  let lab: LabInfo;
  try {
    lab = await openLab("emit", demoLearner(learnerId()));
  } catch (error) {
    explain.textContent = `The demo's lab could not be opened: ${error instanceof Error ? error.message : String(error)}`;
    return () => undefined;
  }
  root.dataset.labId = lab.id;
  const alice = new VirtualClient("Alice", lab);
  const bob = new VirtualClient("Bob", lab);
  explain.textContent = "Your lab is open. Send a message as Alice, or drop her connection.";

  let droppedAt: number | undefined;
  let idBeforeDrop: string | undefined;
  for (const client of [alice, bob]) {
    const status = statusOf(client.name);
    const show = (current: ClientStatus) => {
      status.textContent = statusText(current);
      status.dataset.state = current.state;
    };
    show(client.status);
    client.on("status", show);
  }
  alice.on("status", (status) => {
    const connected = status.state === "connected";
    send.disabled = !connected;
    drop.disabled = !connected;
    if (connected && droppedAt !== undefined) {
      const seconds = ((Date.now() - droppedAt) / 1000).toFixed(1);
      const renamed = status.socketId !== idBeforeDrop ? ", with a new socket id" : "";
      explain.textContent = `Alice's client reconnected by itself after ${seconds} s${renamed}. The Emit lesson shows what she missed meanwhile.`;
      droppedAt = undefined;
    }
  });

  let sentAt = 0;
  alice.on("wire", (wire) => {
    // Only the events Alice sends: her CONNECT (`40`) is on the same wire.
    if (wire.direction !== "to-server" || wire.type !== "message" || typeof wire.data !== "string" || !wire.data.startsWith("2")) return;
    sent.textContent = messageFrame(wire.data);
  });
  bob.on("received", (entry) => {
    if (entry.event !== EVENT) return;
    const item = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = entry.frames.join(" ");
    item.append(code, ` ${Math.max(0, entry.at - sentAt)} ms after Send`);
    received.querySelector(".demo-empty")?.remove();
    received.append(item);
    while (received.children.length > SHOWN) received.firstElementChild?.remove();
    explain.textContent = `Bob received it through the server: 4 is Engine.IO's "message", 2 is Socket.IO's "event".`;
  });

  // Taken off again when the demo closes: a page restored from the back/forward cache starts it afresh.
  const listening = new AbortController();
  const { signal } = listening;
  form.addEventListener(
    "submit",
    (submit) => {
      submit.preventDefault();
      sentAt = Date.now();
      alice.emit(EVENT, [message.value.slice(0, 80)], null);
    },
    { signal },
  );
  drop.addEventListener(
    "click",
    () => {
      idBeforeDrop = alice.status.state === "connected" ? alice.status.socketId : undefined;
      droppedAt = Date.now();
      explain.textContent = "The lab cut Alice's connection, as a lost network would…";
      labControl.drop(lab, "Alice").catch((error: unknown) => {
        explain.textContent = `Drop failed: ${error instanceof Error ? error.message : String(error)}`;
      });
    },
    { signal },
  );

  return () => {
    listening.abort();
    alice.close();
    bob.close();
    // Sent as the page goes: `keepalive` lets the request outlive it.
    void fetch(`/api/labs/${lab.id}`, { method: "DELETE", keepalive: true }).catch(() => undefined);
  };
}
