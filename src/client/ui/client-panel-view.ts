import { parseArguments, payloadBytes } from "../emit-args.js";
import type { ClientStatus, ReceivedEntry, VirtualClient } from "../virtual-client.js";
import { appendToLog, describeArgs, logItem } from "./format.js";

export interface ClientPanelOptions {
  maxPayloadBytes: number;
  onRemove(): void;
}

function statusText(status: ClientStatus): string {
  switch (status.state) {
    case "connecting":
      return "connecting…";
    case "connected":
      return `connected · id ${status.socketId} · ${status.transport}`;
    case "disconnected": {
      const why = status.description ? `${status.reason} (${status.description})` : status.reason;
      return `disconnected: ${why}${status.willReconnect ? " · reconnecting" : ""}`;
    }
  }
}

function receivedItem(entry: ReceivedEntry): HTMLLIElement {
  const item = logItem(entry.at);
  const name = document.createElement("strong");
  if (entry.kind === "lab-error") {
    item.classList.add("lab-error");
    const error = entry.args[0] as { message?: string } | undefined;
    item.append(`Lab: ${error?.message ?? describeArgs(entry.args)}`);
    return item;
  }
  name.textContent = entry.kind === "ack" ? `ack for ${entry.event}` : entry.event;
  item.append(name, " ", describeArgs(entry.args));
  for (const frame of entry.frames) {
    const code = document.createElement("code");
    code.className = "frame";
    code.textContent = frame;
    item.append(code);
  }
  return item;
}

function query<T extends Element>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`client panel template lacks ${selector}`);
  return found;
}

/** Fills one cloned client panel and keeps it in step with its virtual client. */
export function mountClientPanel(panel: HTMLElement, client: VirtualClient, options: ClientPanelOptions): void {
  const heading = query<HTMLElement>(panel, ".client-name");
  heading.id = `client-${client.name.toLowerCase()}-name`;
  heading.textContent = client.name;
  panel.setAttribute("aria-labelledby", heading.id);

  const remove = query<HTMLButtonElement>(panel, ".client-remove");
  remove.setAttribute("aria-label", `Remove ${client.name}`);
  remove.addEventListener("click", options.onRemove);

  const status = query<HTMLElement>(panel, ".client-status");
  const reconnect = query<HTMLButtonElement>(panel, ".client-connect");
  const showStatus = (current: ClientStatus) => {
    status.textContent = statusText(current);
    status.dataset.state = current.state;
    // Offer a manual reconnect only when the real client will not reconnect by itself.
    reconnect.hidden = !(current.state === "disconnected" && !current.willReconnect);
  };
  showStatus(client.status);
  client.onStatus(showStatus);
  reconnect.addEventListener("click", () => client.connect());

  const received = query<HTMLOListElement>(panel, ".received");
  const shared = panel.querySelector<HTMLTextAreaElement>("textarea[name=shared]");
  client.onReceived((entry) => {
    appendToLog(received, receivedItem(entry), 200);
    if (shared && entry.kind === "event" && entry.event === "editing" && typeof entry.args[0] === "string") {
      shared.value = entry.args[0];
    }
  });
  shared?.addEventListener("input", () => client.emit("editing", [shared.value], false));

  const form = query<HTMLFormElement>(panel, ".emit-form");
  const error = query<HTMLElement>(panel, ".emit-error");
  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    const data = new FormData(form);
    const event = String(data.get("event") ?? "").trim();
    const parsed = parseArguments(String(data.get("args") ?? ""));
    const fail = (message: string) => {
      error.textContent = message;
    };
    if (event === "") return fail("Give the event a name.");
    if (!parsed.ok) return fail(parsed.error);
    const size = payloadBytes(event, parsed.args);
    if (size > options.maxPayloadBytes) {
      return fail(`This emit is ${size.toLocaleString("en")} bytes; the lab accepts at most ${options.maxPayloadBytes.toLocaleString("en")}. Nothing was sent.`);
    }
    try {
      client.emit(event, parsed.args, data.get("ack") === "on");
      error.textContent = "";
    } catch (thrown) {
      // socket.io-client refuses reserved names such as "connect" by throwing.
      fail(thrown instanceof Error ? thrown.message : String(thrown));
    }
  });
}
