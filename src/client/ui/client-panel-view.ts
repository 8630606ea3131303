import type { LabInfo } from "../../shared/lab-api.js";
import type { LinkTraffic } from "../../shared/network.js";
import { parseArguments, payloadBytes } from "../emit-args.js";
import { describeValue } from "../../shared/wire.js";
import type { AckStyle, ClientStatus, Heartbeat, ReceivedEntry, Reconnection, VirtualClient } from "../virtual-client.js";
import { isTransportChoice } from "../transport-choices.js";
import { appendToLog, describeArgs, describeTraffic, groupDigits, logItem } from "./format.js";
import { part } from "./dom.js";
import { reportLabAction } from "../lab-actions.js";
import { mountLinkControls } from "./link-controls-view.js";
import type { Answering } from "./lesson-ui.js";
import type { StatusTone } from "./status-tone.js";

export interface ClientPanelOptions {
  lab: LabInfo;
  onRemove(): void;
}

const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/** "Attempt 2 failed (xhr poll error). Next attempt in 1.8 s. Delays so far: 1.1 s, 2.2 s" */
export function describeReconnection(reconnection: Reconnection, now: number): string {
  const { attempts, nextAt } = reconnection;
  if (attempts.length === 0) return "";
  const parts: string[] = [];
  const failed = attempts.filter((attempt) => attempt.error !== undefined);
  const lastFailure = failed.at(-1);
  if (lastFailure) parts.push(`Attempt ${failed.length} failed (${lastFailure.error}).`);
  parts.push(nextAt === undefined ? `Attempt ${attempts.length} under way.` : `Next attempt in ${seconds(nextAt - now)}.`);
  parts.push(`Delays so far: ${attempts.map((attempt) => seconds(attempt.delayMs)).join(", ")}`);
  return parts.join(" ");
}

function statusText(status: ClientStatus): string {
  switch (status.state) {
    case "connecting":
      return "connecting…";
    case "connected":
      return `connected · id ${status.socketId} · ${status.transport}${status.recovered ? " · recovered" : ""}`;
    case "disconnected": {
      const why = status.description ? `${status.reason} (${status.description})` : status.reason;
      return `disconnected: ${why}${status.willReconnect ? " · reconnecting" : ""}`;
    }
  }
}

/**
 * The lab's four status colours (src/styles/global.css): a client that will reconnect by itself is
 * "connecting" again, one that failed to connect is in "error", one that stays down is "disconnected".
 */
function statusTone(status: ClientStatus): StatusTone {
  if (status.state !== "disconnected") return status.state;
  if (status.reason === "connect error" && !status.willReconnect) return "error";
  return status.willReconnect ? "connecting" : "disconnected";
}

/** The acknowledgement the emit form asks for: its style, and a timeout when one is set. */
function ackStyle(data: FormData): AckStyle {
  const kind = data.get("ack-style") === "emitWithAck" ? "emitWithAck" : "callback";
  const timeoutMs = Number(data.get("ack-timeout") ?? "");
  return timeoutMs > 0 ? { kind, timeoutMs } : { kind };
}

/** An emit's ack as a recorded scenario step says it. */
const recordedAck = ({ kind, timeoutMs }: AckStyle) => ({ style: kind, ...(timeoutMs !== undefined && { timeoutMs }) });

/**
 * Events a lesson sends on every keystroke or tick (the Emit lesson's shared text): consecutive receipts
 * of one of them share one row in "Received", counted, with the newest arguments and frame. The timeline
 * and the server log still show every frame. Declared by the lesson's client controls' script.
 */
const coalesced = new Set<string>();

export function coalesceInReceived(event: string): void {
  coalesced.add(event);
}

/** Whether `entry` joins the row of `previous` (the newest row) instead of adding its own. */
export function joinsRow(previous: ReceivedEntry | undefined, entry: ReceivedEntry, events: ReadonlySet<string> = coalesced): boolean {
  const live = (candidate: ReceivedEntry) => candidate.kind === "event" && !candidate.answer && events.has(candidate.event);
  return previous !== undefined && live(previous) && live(entry) && previous.event === entry.event;
}

function receivedItem(entry: ReceivedEntry, count = 1): HTMLLIElement {
  const item = logItem(entry.at);
  const name = document.createElement("strong");
  if (entry.kind === "lab-error") {
    item.classList.add("lab-error");
    const error = entry.args[0] as { message?: string } | undefined;
    item.append(`Lab: ${error?.message ?? describeArgs(entry.args)}`);
    return item;
  }
  if (entry.kind === "ack") {
    name.textContent = `ack for ${entry.event}`;
    item.append(name, " ", `${entry.how ?? "callback"}(${entry.args.map(describeValue).join(", ")})`);
  } else if (count > 1) {
    name.textContent = `${entry.event} ×${count}`;
    item.append(name, " last: ", describeArgs(entry.args));
  } else {
    name.textContent = entry.event;
    item.append(name, " ", describeArgs(entry.args));
  }
  for (const frame of entry.frames) {
    const code = document.createElement("code");
    code.className = "frame";
    code.textContent = frame;
    item.append(code);
  }
  return item;
}

/** Fills one cloned client panel and keeps it in step with its virtual client; returns what the lab's snapshots update. */
export function mountClientPanel(
  panel: HTMLElement,
  client: VirtualClient,
  options: ClientPanelOptions,
): { showTraffic(traffic: LinkTraffic): void; showNode(node: string | undefined): void; answerWith(answering: Answering): void } {
  const heading = part<HTMLElement>(panel, ".client-name");
  heading.id = `client-${client.name.toLowerCase()}-name`;
  part<HTMLElement>(heading, ".part-name").textContent = client.name;
  panel.setAttribute("aria-labelledby", heading.id);
  panel.dataset.labPart = client.name;

  const remove = part<HTMLButtonElement>(panel, ".client-remove");
  remove.setAttribute("aria-label", `Remove ${client.name}`);
  remove.addEventListener("click", options.onRemove);

  const status = part<HTMLElement>(panel, ".client-status");
  const reconnect = part<HTMLButtonElement>(panel, ".client-connect");
  let node: string | undefined;
  const showStatus = (current: ClientStatus) => {
    status.textContent = statusText(current) + (node && current.state === "connected" ? ` · on node ${node}` : "");
    status.dataset.state = current.state;
    status.dataset.tone = statusTone(current);
    // Offer a manual reconnect only when the real client will not reconnect by itself.
    reconnect.hidden = !(current.state === "disconnected" && !current.willReconnect);
  };
  showStatus(client.status);
  client.on("status", showStatus);
  reconnect.addEventListener("click", () => {
    client.connect();
    reportLabAction({ type: "connect", client: client.name });
  });

  mountNetworkControls(panel, client, options.lab);
  mountCountdowns(panel, client);

  const received = part<HTMLOListElement>(panel, ".received");
  // Without a lesson's answering controls the learner answers by hand, with no value.
  let answering: Answering = { reply: () => "", immediately: () => false };
  // The newest row, while it can still take more of the same event (see coalesceInReceived).
  let newest: { entry: ReceivedEntry; count: number; item: HTMLLIElement } | undefined;
  client.on("received", (entry) => {
    if (newest && joinsRow(newest.entry, entry)) {
      newest.count += 1;
      newest.entry = entry;
      newest.item.replaceChildren(...receivedItem(entry, newest.count).childNodes);
      return;
    }
    const item = receivedItem(entry);
    newest = { entry, count: 1, item };
    const { answer } = entry;
    if (answer) {
      // The server is waiting: answering calls the ack function, which sends the ACK frame back.
      const button = document.createElement("button");
      button.type = "button";
      button.className = "answer-button";
      button.textContent = "Send answer";
      const send = () => {
        const reply = answering.reply();
        answer(reply);
        button.replaceWith(` → answered ${describeValue(reply)}`);
      };
      button.addEventListener("click", send);
      item.append(" ", button);
      if (answering.immediately()) send();
    }
    appendToLog(received, item, 200);
  });

  const form = part<HTMLFormElement>(panel, ".emit-form");
  const error = part<HTMLElement>(panel, ".emit-error");
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
    const max = options.lab.limits.maxPayloadBytes;
    if (size > max) {
      return fail(`This emit is ${groupDigits(size)} bytes; the lab accepts at most ${groupDigits(max)}. Nothing was sent.`);
    }
    try {
      const ack = data.get("ack") === "on" ? ackStyle(data) : null;
      client.emit(event, parsed.args, ack);
      reportLabAction({ type: "emit", client: client.name, event, args: parsed.args, ...(ack && { ack: recordedAck(ack) }) });
      error.textContent = "";
    } catch (thrown) {
      // socket.io-client refuses reserved names such as "connect" by throwing.
      fail(thrown instanceof Error ? thrown.message : String(thrown));
    }
  });

  const traffic = part<HTMLElement>(panel, ".traffic");
  return {
    answerWith(chosen) {
      answering = chosen;
    },
    showNode(current) {
      if (current === node) return;
      node = current;
      showStatus(client.status);
    },
    showTraffic(counted) {
      traffic.hidden = false;
      traffic.textContent = `Traffic: ${describeTraffic(counted)}`;
    },
  };
}

/** The link controls, plus what every page client has: Disconnect and the choice of transports. */
function mountNetworkControls(panel: HTMLElement, client: VirtualClient, lab: LabInfo): void {
  mountLinkControls(panel, lab, client.name);
  part<HTMLButtonElement>(panel, ".client-disconnect").addEventListener("click", () => {
    client.disconnect();
    reportLabAction({ type: "disconnect", client: client.name });
  });
  const transport = part<HTMLSelectElement>(panel, "select[name=transport]");
  transport.value = client.transportChoice;
  transport.addEventListener("change", () => {
    if (!isTransportChoice(transport.value)) return;
    client.useTransport(transport.value);
    reportLabAction({ type: "transport", client: client.name, transport: transport.value });
  });
}

/** The reconnection schedule and the heartbeat deadline, counted down live from what the client reports. */
function mountCountdowns(panel: HTMLElement, client: VirtualClient): void {
  const reconnection = part<HTMLElement>(panel, ".reconnection");
  const heartbeatLine = part<HTMLElement>(panel, ".heartbeat");
  let heartbeat: Heartbeat | undefined;
  client.on("heartbeat", (beat) => (heartbeat = beat));
  let awaySince: number | undefined;
  client.on("status", (status) => {
    if (status.state === "disconnected" && awaySince === undefined) awaySince = Date.now();
    if (status.state === "connected") awaySince = undefined;
  });
  const render = () => {
    const now = Date.now();
    // The lab sets its recovery window on its root; read it now, as it changes when the learner switches it.
    const windowMs = Number(panel.closest<HTMLElement>("[data-lab]")?.dataset.recoveryWindow ?? 0);
    const away =
      windowMs > 0 && awaySince !== undefined && client.status.state === "disconnected"
        ? ` Away for ${seconds(now - awaySince)}: the recovery window ${now - awaySince < windowMs ? `closes in ${seconds(awaySince + windowMs - now)}` : "has closed"}.`
        : "";
    const schedule = describeReconnection(client.reconnection, now) + away;
    reconnection.hidden = schedule === "";
    reconnection.textContent = schedule;
    const live = client.status.state === "connected" && heartbeat !== undefined;
    heartbeatLine.hidden = !live;
    if (live && heartbeat) {
      heartbeatLine.textContent = `Last ping ${seconds(now - heartbeat.lastPingAt)} ago · ping timeout in ${seconds(heartbeat.timeoutAt - now)}`;
    }
  };
  client.on("reconnection", render);
  client.on("status", render);
  // Countdowns move on their own; a few updates a second is smooth enough to read.
  const ticker = setInterval(() => {
    if (!panel.isConnected) return clearInterval(ticker);
    render();
  }, 200);
}
